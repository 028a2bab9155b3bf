using Dynamo.Core.Membership;
using Dynamo.Core.Runtime;
using Dynamo.Core.Storage;
using Dynamo.Core.Versioning;

namespace Dynamo.Core.Replication;

/// <summary>
/// Garbage collection of tombstones (DESIGN §3). A tombstone may go only when no copy of an older
/// version can bring the key back: the first primary of a key whose tombstone is older than the grace
/// period asks every member that may hold data (in the ring or handing off) whether it holds anything for
/// the key the tombstone does not cover, in its replicas or its hints. If all say no, it waits longer
/// than any message can stay in flight, asks again, and only then has every member delete the tombstone
/// and whatever it covers. A member that does not answer stops the collection; it is retried later.
/// </summary>
internal sealed class TombstoneReaper
{
    private readonly NodeContext _ctx;
    private readonly Operations _ops;
    private readonly Replica _replica;
    /// <summary>
    /// Keys one tick reads at most. A tick runs under the state machine's lock: scanning every key for
    /// tombstones stalled all requests for ~100 ms each ReapInterval at 100k keys (bench: p99 of the
    /// second 90-150 ms every 10 s), and it grows with the data. The scan resumes where the last tick
    /// stopped, so a sweep takes keys / ScanBudget ticks: at 1M keys per node, about 80 minutes.
    /// </summary>
    internal const int ScanBudget = 2048;
    private const int PageSize = 256;

    private int _partition;
    private byte[]? _cursor;
    private Round? _inFlight;

    public TombstoneReaper(NodeContext ctx, Operations ops, Replica replica)
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

        var items = new List<ReplicaItem>();
        int batch = _ctx.Options.SyncBatchSize;
        if (_partition >= ring.PartitionCount)
        {
            (_partition, _cursor) = (0, null);
        }

        // Items of one partition at a time, and a page at a time, within the budget.
        int scanned = 0, partitionsDone = 0;
        while (scanned < ScanBudget)
        {
            int p = _partition;
            var page = _ctx.Store.ScanPartition(p, _cursor, PageSize);
            scanned += page.Count;
            foreach (var item in page)
            {
                var obj = item.Object;
                int n = _ctx.ReplicationOf(item.Key.Table);
                if (n > 0
                    && obj.TombstoneSince > 0
                    && _ctx.Now - obj.TombstoneSince >= _ctx.Options.TombstoneGraceMs
                    && ring.PreferenceList(p, n).Primaries[0] == _ctx.Self)
                {
                    items.Add(new ReplicaItem(item.Key.Table, item.Key.Key, obj.Set));
                }
            }

            bool partitionDone = page.Count < PageSize;
            if (partitionDone)
            {
                (_partition, _cursor) = ((p + 1) % ring.PartitionCount, null);
            }
            else
            {
                _cursor = page[^1].RawKey;
            }

            if (items.Count >= batch || (partitionDone && (items.Count > 0 || ++partitionsDone >= ring.PartitionCount)))
            {
                break;
            }
        }

        if (items.Count == 0)
        {
            return;
        }

        var holders = _ctx.State.Members.Values
            .Where(m => m.Status != MemberStatus.Left && m.Id != _ctx.Self)
            .Select(m => m.Id)
            .Union(ring.Members.Select(m => m.Id).Where(id => id != _ctx.Self))
            .Distinct()
            .Order()
            .ToList();
        if (!holders.All(_ctx.IsAvailable))
        {
            return;
        }

        _inFlight = new Round(this, items, holders);
        _inFlight.Start();
    }

    /// <summary>True when this node holds nothing for the key that <paramref name="tombstone"/> does not cover.</summary>
    public bool Covered(string table, string key, DottedVersionVectorSet tombstone)
    {
        if (_ctx.Store.Get(table, key) is { } obj && !Dominated(obj.Set, tombstone))
        {
            return false;
        }

        return _ctx.Store.HintsFor(table, key).All(h => Dominated(h.Object, tombstone));
    }

    private static bool Dominated(DottedVersionVectorSet set, DottedVersionVectorSet tombstone) =>
        DottedVersionVectorSet.Sync(set, tombstone).Equals(tombstone);

    public void OnCheck(NodeId from, ReapCheck msg)
    {
        var ok = new bool[msg.Items.Count];
        for (int i = 0; i < ok.Length; i++)
        {
            var item = msg.Items[i];
            ok[i] = KeyRules.IsValid(item.Table, item.Key, out _) && item.Set.IsTombstoneOnly && Covered(item.Table, item.Key, item.Set);
        }

        _ctx.Send(from, new ReapCheckReply(msg.RequestId, ok));
    }

    public void OnReap(NodeId from, Reap msg)
    {
        foreach (var item in msg.Items)
        {
            if (KeyRules.IsValid(item.Table, item.Key, out _) && item.Set.IsTombstoneOnly)
            {
                Apply(item);
            }
        }

        _ctx.Send(from, new ReplicaWriteAck(msg.RequestId, true));
    }

    private void Apply(ReplicaItem item)
    {
        var raw = _ctx.Store.KeyOf(item.Table, item.Key);
        if (_ctx.Store.Get(raw) is { } obj && Dominated(obj.Set, item.Set) && _replica.DeleteDataIf(raw, obj))
        {
            _ctx.Stats.TombstonesReaped++;
        }

        var batch = new StorageBatch();
        foreach (var h in _ctx.Store.HintsFor(item.Table, item.Key))
        {
            if (Dominated(h.Object, item.Set))
            {
                batch.Delete(StoreSpace.Hints, h.RawKey);
            }
        }

        if (batch.Count > 0)
        {
            _ctx.Store.Write(batch);
        }
    }

    private sealed class Round(TombstoneReaper owner, List<ReplicaItem> items, List<NodeId> holders) : Operation
    {
        private readonly Dictionary<long, NodeId> _asked = [];
        private bool[] _ok = [];
        private int _phase;

        public void Start()
        {
            owner._ops.Start(this);
            Check();
        }

        private void Check()
        {
            _phase++;
            _ok = [.. items.Select(i => owner.Covered(i.Table, i.Key, i.Set))];
            var snapshot = items.ToList();
            foreach (var h in holders)
            {
                _asked[owner._ops.Send(this, h, rid => new ReapCheck(rid, snapshot))] = h;
            }

            owner._ops.Deadline(this, owner._ctx.Options.RequestTimeoutMs * 2, OperationDeadline.Background);
            if (_asked.Count == 0)
            {
                Checked();
            }
        }

        public override void OnResponse(NodeId from, long requestId, Message response)
        {
            if (!_asked.Remove(requestId))
            {
                return;
            }

            if (response is not ReapCheckReply reply || reply.Ok.Length != items.Count)
            {
                owner._ops.Finish(this);
                return;
            }

            for (int i = 0; i < _ok.Length; i++)
            {
                _ok[i] &= reply.Ok[i];
            }

            if (_asked.Count == 0)
            {
                Checked();
            }
        }

        private void Checked()
        {
            var kept = items.Where((_, i) => _ok[i]).ToList();
            items.Clear();
            items.AddRange(kept);
            if (items.Count == 0)
            {
                owner._ops.Finish(this);
                return;
            }

            if (_phase == 1)
            {
                // Let anything already in flight land before the second look.
                owner._ops.Deadline(this, owner._ctx.Options.ReapSettleMs, OperationDeadline.Linger);
                return;
            }

            foreach (var item in items)
            {
                owner.Apply(item);
            }

            var final = items.ToList();
            foreach (var h in holders)
            {
                owner._ctx.Send(h, new Reap(owner._ctx.NextRequestId(), final));
            }

            owner._ops.Finish(this);
        }

        public override void OnDeadline(OperationDeadline kind)
        {
            if (kind == OperationDeadline.Linger && _phase == 1 && _asked.Count == 0)
            {
                Check();
            }
            else if (kind == OperationDeadline.Background && _asked.Count > 0)
            {
                owner._ops.Finish(this);
            }
        }
    }
}
