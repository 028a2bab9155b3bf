using Dynamo.Core.Membership;
using Dynamo.Core.Runtime;
using Dynamo.Core.Storage;
using Dynamo.Core.Telemetry;

namespace Dynamo.Core.Replication;

/// <summary>
/// Partition handoff after a ring change (§4.2, §4.9 "when a node is added ... the data is transferred
/// from the nodes that no longer hold it"): a node streams, in batches, the keys it holds but is no
/// longer a primary for to the key's current primaries, and deletes each key only when every primary
/// acknowledged it and it did not change meanwhile. Reads and writes go on during handoff: they already
/// follow the new ring, and versions merge. A leaving node that holds nothing any more marks itself Left.
/// </summary>
internal sealed class PartitionHandoff
{
    private readonly NodeContext _ctx;
    private readonly Operations _ops;
    private readonly Replica _replica;
    private readonly Action<MemberState> _updateSelf;
    private int _partition;
    private byte[]? _cursor;
    private Batch? _inFlight;

    public PartitionHandoff(NodeContext ctx, Operations ops, Replica replica, Action<MemberState> updateSelf)
    {
        _ctx = ctx;
        _ops = ops;
        _replica = replica;
        _updateSelf = updateSelf;
    }

    public void Tick()
    {
        if (_inFlight is { Finished: false } || _ctx.Ring is not { } ring)
        {
            return;
        }

        var factors = _ctx.ReplicationFactors();
        int q = ring.PartitionCount;
        int batch = _ctx.Options.SyncBatchSize;
        for (int step = 0; step < q; step++)
        {
            int p = _partition;
            if (factors.All(n => ring.PreferenceList(p, n).IsPrimary(_ctx.Self)))
            {
                Advance(q);
                continue;
            }

            var page = _ctx.Store.ScanPartition(p, _cursor, batch);
            if (page.Count < batch)
            {
                Advance(q);
            }
            else
            {
                _cursor = page[^1].RawKey;
            }

            var items = new List<(ReplicaStore.Item Item, List<NodeId> Targets)>();
            foreach (var item in page)
            {
                int n = _ctx.ReplicationOf(item.Key.Table);
                if (n == 0)
                {
                    continue;
                }

                var pref = ring.PreferenceList(p, n);
                if (!pref.IsPrimary(_ctx.Self) && pref.Primaries.All(_ctx.IsAvailable))
                {
                    items.Add((item, [.. pref.Primaries]));
                }
            }

            if (items.Count > 0)
            {
                _inFlight = new Batch(this, items);
                _inFlight.Start();
                return;
            }
        }

        MaybeLeft(ring);
    }

    private void Advance(int q)
    {
        _partition = (_partition + 1) % q;
        _cursor = null;
    }

    // Leaving, out of the ring, nothing left to hand over: this incarnation is done.
    private void MaybeLeft(Partitioning.Ring ring)
    {
        if (_ctx.State.Member(_ctx.Self) is { Status: MemberStatus.Leaving } me
            && !ring.Contains(_ctx.Self)
            && _ctx.Store.Engine.Scan(StoreSpace.Data, [], [], 1).Count == 0
            && !_ctx.Store.HasHints)
        {
            _updateSelf(me with { Status = MemberStatus.Left, Version = me.Version + 1 });
        }
    }

    private sealed class Batch(PartitionHandoff owner, List<(ReplicaStore.Item Item, List<NodeId> Targets)> items) : Operation
    {
        private readonly List<HashSet<NodeId>> _waiting = [.. items.Select(i => new HashSet<NodeId>(i.Targets))];
        private readonly Dictionary<long, NodeId> _targetOfRequest = [];
        private System.Diagnostics.Activity? _span;

        public void Start()
        {
            var ops = owner._ops;
            ops.Start(this);
            _span = NodeTelemetry.Start("dynamo.handoff", System.Diagnostics.ActivityKind.Client);
            _span?.SetTag("dynamo.node", owner._ctx.Self.Value).SetTag("dynamo.partition", items[0].Item.Key.Partition).SetTag("dynamo.keys", items.Count);
            var byTarget = new SortedDictionary<NodeId, List<ReplicaItem>>();
            foreach (var (item, targets) in items)
            {
                foreach (var t in targets)
                {
                    if (!byTarget.TryGetValue(t, out var list))
                    {
                        byTarget[t] = list = [];
                    }

                    list.Add(new ReplicaItem(item.Key.Table, item.Key.Key, item.Object.Set));
                }
            }

            foreach (var (target, list) in byTarget)
            {
                long id;
                using (NodeTelemetry.Enter(_span))
                {
                    id = ops.Send(this, target, rid => new ReplicaSync(rid, list, SyncPurpose.Handoff));
                }

                _targetOfRequest[id] = target;
            }

            owner._ctx.Stats.HandoffKeysSent += items.Count;
            ops.Deadline(this, owner._ctx.Options.RequestTimeoutMs * 2, OperationDeadline.Background);
        }

        public override void OnResponse(NodeId from, long requestId, Message response)
        {
            if (response is not ReplicaWriteAck { Ok: true } || !_targetOfRequest.Remove(requestId, out var target))
            {
                return;
            }

            foreach (var w in _waiting)
            {
                w.Remove(target);
            }

            if (_targetOfRequest.Count > 0)
            {
                return;
            }

            // Every primary holds these versions now; drop the ones still exactly as sent and still not ours.
            NodeTelemetry.End(_span, "handed off");
            var ring = owner._ctx.Ring;
            for (int i = 0; i < items.Count; i++)
            {
                var item = items[i].Item;
                int n = owner._ctx.ReplicationOf(item.Key.Table);
                if (_waiting[i].Count == 0 && ring is not null && n > 0 && !ring.PreferenceList(item.Key.Partition, n).IsPrimary(owner._ctx.Self))
                {
                    owner._replica.DeleteDataIf(item.RawKey, item.Object);
                }
            }

            owner._ops.Finish(this);
        }

        public override void OnDeadline(OperationDeadline kind)
        {
            NodeTelemetry.End(_span, "timeout");
            owner._ops.Finish(this);
        }
    }
}
