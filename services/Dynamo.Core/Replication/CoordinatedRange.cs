using Dynamo.Core.Partitioning;
using Dynamo.Core.Runtime;
using Dynamo.Core.Storage;
using Dynamo.Core.Versioning;

namespace Dynamo.Core.Replication;

/// <summary>
/// An ordered read of one partition, coordinated like a get: ask the healthy primaries (fallbacks for
/// the missing), answer once R have replied. Each replica returns its own first keys of the range; the
/// union, merged key by key, is exact up to the earliest last key of any replica that stopped at the
/// limit, so the answer is cut there and tells where to continue.
/// </summary>
internal sealed class CoordinatedRange : Operation
{
    private readonly QuorumCoordinator _owner;
    private readonly NodeId _client;
    private readonly ClientRange _msg;
    private readonly PreferenceList _pref;
    private readonly int _r;
    private readonly List<NodeId> _targets = [];
    private readonly HashSet<NodeId> _used = [];
    private readonly List<ReplicaRangeReply> _replies = [];
    private readonly Dictionary<long, NodeId> _targetOfRequest = [];
    private bool _replied;

    public CoordinatedRange(QuorumCoordinator owner, NodeId client, ClientRange msg, PreferenceList pref, int r)
    {
        _owner = owner;
        _client = client;
        _msg = msg;
        _pref = pref;
        _r = r;
    }

    private NodeContext Ctx => _owner.Context;

    public void Start()
    {
        _owner.Operations.Start(this);
        int missing = 0;
        foreach (var p in _pref.Primaries)
        {
            _used.Add(p);
            if (p == Ctx.Self || Ctx.IsAvailable(p))
            {
                _targets.Add(p);
            }
            else
            {
                missing++;
            }
        }

        for (int i = 0; i < missing && NextFallback() is { } f; i++)
        {
            _targets.Add(f);
        }

        foreach (var t in _targets.ToArray())
        {
            Ask(t);
        }

        _owner.Operations.Deadlines(this, Ctx.Options.ReplicaTimeoutMs, Ctx.Options.RequestTimeoutMs);
        Progress();
    }

    private void Ask(NodeId target)
    {
        if (target == Ctx.Self)
        {
            _replies.Add(_owner.Replica.Range(new ReplicaRange(0, _msg.Table, _msg.Partition, _msg.From, _msg.To, _msg.Reverse, _msg.Limit)));
            return;
        }

        long id = _owner.Operations.Send(this, target, rid => new ReplicaRange(rid, _msg.Table, _msg.Partition, _msg.From, _msg.To, _msg.Reverse, _msg.Limit));
        _targetOfRequest[id] = target;
    }

    private NodeId? NextFallback() => Ctx.TakeFallback(_pref, _used);

    public override void OnResponse(NodeId from, long requestId, Message response)
    {
        if (!_targetOfRequest.Remove(requestId, out var target))
        {
            return;
        }

        if (response is ReplicaRangeReply reply)
        {
            _replies.Add(reply);
        }
        else if (NextFallback() is { } f)
        {
            _targets.Add(f);
            Ask(f);
        }

        Progress();
    }

    public override void OnDeadline(OperationDeadline kind)
    {
        if (_replied)
        {
            return;
        }

        if (kind == OperationDeadline.Replica)
        {
            for (int i = _replies.Count; i < _r && NextFallback() is { } f; i++)
            {
                _targets.Add(f);
                Ask(f);
            }

            Progress();
            return;
        }

        _replied = true;
        Ctx.Stats.QuorumFailures++;
        Ctx.Send(_client, new ClientRangeReply(_msg.RequestId, ClientStatus.Unavailable, [], false, null, $"Only {_replies.Count} of the {_r} replicas required (r) answered in time.", _replies.Count, _r));
        _owner.Operations.Finish(this);
    }

    private void Progress()
    {
        if (_replied || _replies.Count < _r)
        {
            return;
        }

        _replied = true;
        Ctx.Send(_client, Merge());
        _owner.Operations.Finish(this);
    }

    private ClientRangeReply Merge()
    {
        var comparer = _msg.Reverse
            ? Comparer<byte[]>.Create((a, b) => ByteArrayComparer.Instance.Compare(b, a))
            : (IComparer<byte[]>)ByteArrayComparer.Instance;
        var merged = new SortedDictionary<byte[], (string Key, DottedVersionVectorSet Set)>(comparer);
        byte[]? cut = null;
        foreach (var reply in _replies)
        {
            byte[]? last = null;
            foreach (var item in reply.Items)
            {
                if (item.Table != _msg.Table || !KeyRules.IsValid(item.Table, item.Key, out _))
                {
                    continue;
                }

                var raw = Ctx.Store.KeyOf(item.Table, item.Key);
                merged[raw] = merged.TryGetValue(raw, out var had) ? (item.Key, DottedVersionVectorSet.Sync(had.Set, item.Set)) : (item.Key, item.Set);
                last = raw;
            }

            if (!reply.Complete && last is not null && (cut is null || comparer.Compare(last, cut) < 0))
            {
                cut = last;
            }
        }

        // Keys up to the cut are exact; beyond the limit they wait for the next page.
        var kept = merged.TakeWhile(kv => cut is null || comparer.Compare(kv.Key, cut) <= 0).ToList();
        bool truncated = kept.Count > _msg.Limit;
        if (truncated)
        {
            kept = kept[.._msg.Limit];
        }

        var items = new List<RangeItem>(kept.Count);
        foreach (var (_, (key, set)) in kept)
        {
            var values = set.LiveValues();
            if (values.Count > 0)
            {
                items.Add(new RangeItem(key, values, Ctx.Contexts.Encode(set.Context(), _msg.Table, key)));
            }
        }

        bool hasMore = truncated || cut is not null;
        byte[]? next = truncated ? kept[^1].Key : cut;
        return new ClientRangeReply(_msg.RequestId, ClientStatus.Ok, items, hasMore, next, Replied: _replies.Count, Required: _r);
    }
}
