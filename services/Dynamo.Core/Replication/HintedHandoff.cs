using Dynamo.Core.Runtime;
using Dynamo.Core.Storage;
using Dynamo.Core.Telemetry;

namespace Dynamo.Core.Replication;

/// <summary>
/// Hinted handoff (§4.6): a fallback periodically scans the hints it holds and, for each owner it now
/// believes reachable, sends the versions back. A hint is deleted only after its owner acknowledged it,
/// and only if it did not change meanwhile. If the ring changed and the named owner is no longer a
/// primary for the key, the hint goes to every current primary instead.
/// </summary>
internal sealed class HintedHandoff
{
    private readonly NodeContext _ctx;
    private readonly Operations _ops;
    private readonly Replica _replica;
    private byte[]? _cursor;
    private Delivery? _inFlight;

    public HintedHandoff(NodeContext ctx, Operations ops, Replica replica)
    {
        _ctx = ctx;
        _ops = ops;
        _replica = replica;
    }

    public void Tick()
    {
        if (_inFlight is { Finished: false } || _ctx.Ring is not { } ring)
        {
            return;
        }

        int batch = _ctx.Options.SyncBatchSize;
        var page = _ctx.Store.ScanHints(_cursor, batch);
        _cursor = page.Count < batch ? null : page[^1].RawKey;
        var delivery = new Delivery(this);
        foreach (var hint in page)
        {
            int n = _ctx.ReplicationOf(hint.Key.Table);
            if (n == 0)
            {
                continue;
            }

            var pref = ring.PreferenceList(hint.Key.Partition, n);
            var targets = pref.IsPrimary(hint.Key.Owner) ? [hint.Key.Owner] : pref.Primaries.ToList();
            if (!targets.All(_ctx.IsAvailable))
            {
                continue;
            }

            if (targets.Remove(_ctx.Self))
            {
                _replica.MergeData(hint.Key.Table, hint.Key.Key, hint.Object);
            }

            delivery.Add(hint, targets);
        }

        if (delivery.IsEmpty)
        {
            return;
        }

        _inFlight = delivery;
        delivery.Start();
    }

    private void DeleteIfUnchanged(ReplicaStore.HintItem hint)
    {
        var current = _ctx.Store.Engine.Get(StoreSpace.Hints, hint.RawKey);
        if (current is not null && current.AsSpan().SequenceEqual(hint.RawValue))
        {
            _ctx.Store.Write(new StorageBatch().Delete(StoreSpace.Hints, hint.RawKey));
            _ctx.Stats.HintsDelivered++;
        }
    }

    private sealed class Delivery(HintedHandoff owner) : Operation
    {
        private readonly List<(ReplicaStore.HintItem Hint, HashSet<NodeId> Waiting)> _items = [];
        private readonly SortedDictionary<NodeId, List<int>> _byTarget = [];
        private readonly Dictionary<long, NodeId> _targetOfRequest = [];
        private System.Diagnostics.Activity? _span;

        public bool IsEmpty => _items.Count == 0;

        public void Add(ReplicaStore.HintItem hint, List<NodeId> targets)
        {
            _items.Add((hint, [.. targets]));
            foreach (var t in targets)
            {
                if (!_byTarget.TryGetValue(t, out var list))
                {
                    _byTarget[t] = list = [];
                }

                list.Add(_items.Count - 1);
            }
        }

        public void Start()
        {
            var ops = owner._ops;
            ops.Start(this);
            _span = NodeTelemetry.Start("dynamo.hint.delivery", System.Diagnostics.ActivityKind.Client);
            _span?.SetTag("dynamo.node", owner._ctx.Self.Value).SetTag("dynamo.hints", _items.Count).SetTag("dynamo.targets", string.Join(",", _byTarget.Keys));
            foreach (var (target, indexes) in _byTarget)
            {
                var items = indexes.Select(i => new ReplicaItem(_items[i].Hint.Key.Table, _items[i].Hint.Key.Key, _items[i].Hint.Object)).ToList();
                long id;
                using (NodeTelemetry.Enter(_span))
                {
                    id = ops.Send(this, target, rid => new ReplicaSync(rid, items, SyncPurpose.HintDelivery));
                }

                _targetOfRequest[id] = target;
            }

            ops.Deadline(this, owner._ctx.Options.RequestTimeoutMs * 2, OperationDeadline.Background);
            Settle();
        }

        public override void OnResponse(NodeId from, long requestId, Message response)
        {
            if (response is ReplicaWriteAck { Ok: true } && _targetOfRequest.Remove(requestId, out var target))
            {
                foreach (int i in _byTarget[target])
                {
                    _items[i].Waiting.Remove(target);
                }

                Settle();
            }
        }

        public override void OnDeadline(OperationDeadline kind)
        {
            NodeTelemetry.End(_span, "timeout");
            owner._ops.Finish(this);
        }

        private void Settle()
        {
            if (_targetOfRequest.Count > 0)
            {
                return;
            }

            int delivered = 0;
            foreach (var (hint, waiting) in _items)
            {
                if (waiting.Count == 0)
                {
                    owner.DeleteIfUnchanged(hint);
                    delivered++;
                }
            }

            _span?.SetTag("dynamo.hints.delivered", delivered);
            NodeTelemetry.End(_span, "delivered");
            owner._ops.Finish(this);
        }
    }
}
