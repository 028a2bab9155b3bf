using Dynamo.Core.Membership;
using Dynamo.Core.Partitioning;
using Dynamo.Core.Runtime;
using Dynamo.Core.Versioning;

namespace Dynamo.Core.Replication;

/// <summary>
/// Entry point of client requests at a node (§4.5, §5). Validates the request, finds the key's
/// preference list and either forwards it to the first healthy primary or coordinates it here: any
/// primary coordinates; a node that is not one forwards, and coordinates itself only when no primary is
/// reachable (then as a fallback, with hints).
/// </summary>
internal sealed class QuorumCoordinator
{
    private readonly NodeContext _ctx;
    private readonly Operations _ops;
    private readonly Replica _replica;
    private readonly Action<TableSettings> _learnTable;

    // Recently seen (sender, request id) pairs. A write delivered twice (a duplicated packet, a retried
    // forward) would otherwise be coordinated twice and give the same value two dots: two versions of
    // one write, one of which a later writer may supersede while the other survives as a stale sibling.
    private const int RememberedRequests = 16_384;
    private readonly HashSet<(NodeId, long)> _seen = [];
    private readonly Queue<(NodeId, long)> _seenOrder = new();

    public QuorumCoordinator(NodeContext ctx, Operations ops, Replica replica, Action<TableSettings> learnTable)
    {
        _ctx = ctx;
        _ops = ops;
        _replica = replica;
        _learnTable = learnTable;
    }

    internal NodeContext Context => _ctx;

    internal Operations Operations => _ops;

    internal Replica Replica => _replica;

    public void OnClientWrite(NodeId client, ClientWrite msg)
    {
        if (!FirstTime(client, msg.RequestId))
        {
            return;
        }

        _ctx.Stats.Writes++;
        if (!Admit(client, msg.RequestId, msg.Table, msg.Key, msg.Settings, msg.W, isWrite: true, out var table, out var ring, out int n, out int quorum))
        {
            return;
        }

        if (!msg.Value.IsTombstone && msg.Value.Value.Length > _ctx.Options.MaxValueBytes)
        {
            Reply(client, new ClientReply(msg.RequestId, ClientStatus.BadRequest, Error: $"The value is larger than {_ctx.Options.MaxValueBytes} bytes."));
            return;
        }

        if (!_ctx.Contexts.TryDecode(msg.Context, msg.Table, msg.Key, out var context, out var error))
        {
            Reply(client, new ClientReply(msg.RequestId, ClientStatus.BadRequest, Error: error));
            return;
        }

        var pref = ring.PreferenceList(ring.PartitionOf(msg.Table, msg.Key), n);
        if (!msg.Forwarded && ForwardTarget(pref) is { } target)
        {
            _ctx.Stats.Forwards++;
            new Forward(this, client, msg.RequestId, target, id => msg with { RequestId = id, Forwarded = true, Settings = table }, () => new CoordinatedWrite(this, client, msg, pref, context, quorum).Start()).Start();
            return;
        }

        new CoordinatedWrite(this, client, msg, pref, context, quorum).Start();
    }

    public void OnClientRead(NodeId client, ClientRead msg)
    {
        if (!FirstTime(client, msg.RequestId))
        {
            return;
        }

        _ctx.Stats.Reads++;
        if (!Admit(client, msg.RequestId, msg.Table, msg.Key, msg.Settings, msg.R, isWrite: false, out var table, out var ring, out int n, out int quorum))
        {
            return;
        }

        var pref = ring.PreferenceList(ring.PartitionOf(msg.Table, msg.Key), n);
        if (!msg.Forwarded && ForwardTarget(pref) is { } target)
        {
            _ctx.Stats.Forwards++;
            new Forward(this, client, msg.RequestId, target, id => msg with { RequestId = id, Forwarded = true, Settings = table }, () => new CoordinatedRead(this, client, msg, pref, quorum).Start()).Start();
            return;
        }

        new CoordinatedRead(this, client, msg, pref, quorum).Start();
    }

    private bool FirstTime(NodeId sender, long requestId)
    {
        if (!_seen.Add((sender, requestId)))
        {
            return false;
        }

        _seenOrder.Enqueue((sender, requestId));
        if (_seenOrder.Count > RememberedRequests)
        {
            _seen.Remove(_seenOrder.Dequeue());
        }

        return true;
    }

    public void OnClientRange(NodeId client, ClientRange msg)
    {
        if (!FirstTime(client, msg.RequestId))
        {
            return;
        }

        _ctx.Stats.Reads++;
        string? bad = !KeyRules.IsValidTable(msg.Table) ? "A table name is 1 to 255 characters of A-Z, a-z, 0-9, '_', '.', '-'."
            : msg.Limit is < 1 or > Replica.MaxRangeLimit ? $"A range returns 1 to {Replica.MaxRangeLimit} keys."
            : null;
        if (bad is null && msg.Settings is { } carried && carried.Name == msg.Table)
        {
            _learnTable(carried);
        }

        var table = bad is null ? _ctx.Table(msg.Table) : null;
        var ring = _ctx.Ring;
        int r = msg.R ?? table?.R ?? 0;
        ClientRangeReply? refusal = bad is not null ? Refuse(ClientStatus.BadRequest, bad)
            : table is null ? Refuse(ClientStatus.UnknownTable, $"Table '{msg.Table}' does not exist.")
            : ring is null ? Refuse(ClientStatus.Unavailable, "The cluster has no ring yet: no storage node has joined.")
            : msg.Partition < 0 || msg.Partition >= ring.PartitionCount ? Refuse(ClientStatus.BadRequest, $"A partition is 0 to {ring.PartitionCount - 1}.")
            : r < 1 || r > table.N ? Refuse(ClientStatus.BadRequest, $"r must be between 1 and n ({table.N}).")
            : r > Math.Min(table.N, ring.Members.Count) ? Refuse(ClientStatus.Unavailable, $"Only {ring.Members.Count} nodes are in the ring; {r} must answer.")
            : null;
        if (refusal is not null)
        {
            _ctx.Send(client, refusal);
            return;
        }

        var pref = ring!.PreferenceList(msg.Partition, Math.Min(table!.N, ring.Members.Count));
        if (!msg.Forwarded && ForwardTarget(pref) is { } target)
        {
            _ctx.Stats.Forwards++;
            new Forward(this, client, msg.RequestId, target, id => msg with { RequestId = id, Forwarded = true, Settings = table }, () => new CoordinatedRange(this, client, msg, pref, r).Start()).Start();
            return;
        }

        new CoordinatedRange(this, client, msg, pref, r).Start();

        ClientRangeReply Refuse(ClientStatus status, string error) => new(msg.RequestId, status, [], false, null, error);
    }

    public void Reply(NodeId client, ClientReply reply)
    {
        if (reply.Status == ClientStatus.Unavailable)
        {
            _ctx.Stats.QuorumFailures++;
        }

        _ctx.Send(client, reply);
    }

    /// <summary>The first available primary when this node is not one; null means coordinate here.</summary>
    private NodeId? ForwardTarget(PreferenceList pref)
    {
        if (pref.IsPrimary(_ctx.Self))
        {
            return null;
        }

        foreach (var p in pref.Primaries)
        {
            if (_ctx.IsAvailable(p))
            {
                return p;
            }
        }

        return null;
    }

    private bool Admit(
        NodeId client,
        long requestId,
        string tableName,
        string key,
        TableSettings? carried,
        int? overrideQuorum,
        bool isWrite,
        out TableSettings table,
        out Ring ring,
        out int n,
        out int quorum)
    {
        table = null!;
        ring = null!;
        n = quorum = 0;
        if (!KeyRules.IsValid(tableName, key, out var error))
        {
            Reply(client, new ClientReply(requestId, ClientStatus.BadRequest, Error: error));
            return false;
        }

        if (carried is not null && carried.Name == tableName)
        {
            _learnTable(carried);
        }

        var known = _ctx.Table(tableName);
        if (known is null)
        {
            Reply(client, new ClientReply(requestId, ClientStatus.UnknownTable, Error: $"Table '{tableName}' does not exist."));
            return false;
        }

        if (_ctx.Ring is not { } current)
        {
            Reply(client, new ClientReply(requestId, ClientStatus.Unavailable, Error: "The cluster has no ring yet: no storage node has joined."));
            return false;
        }

        table = known;
        ring = current;
        quorum = overrideQuorum ?? (isWrite ? known.W : known.R);
        if (quorum < 1 || quorum > known.N)
        {
            Reply(client, new ClientReply(requestId, ClientStatus.BadRequest, Error: $"{(isWrite ? "w" : "r")} must be between 1 and n ({known.N})."));
            return false;
        }

        // A ring smaller than N (while the first nodes join) serves with what it has, if that is enough.
        n = Math.Min(known.N, current.Members.Count);
        if (quorum > n)
        {
            Reply(client, new ClientReply(requestId, ClientStatus.Unavailable, Error: $"Only {n} nodes are in the ring; {quorum} must answer.", Required: quorum));
            return false;
        }

        return true;
    }

    /// <summary>
    /// Hands a request to the first healthy primary and relays its answer. If the primary cannot be
    /// reached at all, this node coordinates after all, so one bad hop never costs availability.
    /// </summary>
    private sealed class Forward : Operation
    {
        private readonly QuorumCoordinator _owner;
        private readonly NodeId _client;
        private readonly long _clientRequestId;
        private readonly NodeId _target;
        private readonly Func<long, Message> _request;
        private readonly Action _coordinateHere;

        public Forward(QuorumCoordinator owner, NodeId client, long clientRequestId, NodeId target, Func<long, Message> request, Action coordinateHere)
        {
            _owner = owner;
            _client = client;
            _clientRequestId = clientRequestId;
            _target = target;
            _request = request;
            _coordinateHere = coordinateHere;
        }

        public void Start()
        {
            var ops = _owner._ops;
            ops.Start(this);
            ops.Send(this, _target, _request);
            ops.Deadline(this, _owner._ctx.Options.RequestTimeoutMs + _owner._ctx.Options.ReplicaTimeoutMs, OperationDeadline.Request);
        }

        public override void OnResponse(NodeId from, long requestId, Message response)
        {
            switch (response)
            {
                case ClientReply reply:
                    _owner.Reply(_client, reply with { RequestId = _clientRequestId });
                    _owner._ops.Finish(this);
                    break;
                case ClientRangeReply range:
                    _owner._ctx.Send(_client, range with { RequestId = _clientRequestId });
                    _owner._ops.Finish(this);
                    break;
                case DeliveryFailed { MayHaveArrived: true } when _request(0) is ClientWrite:
                    // The primary may have applied this write before the connection broke: applying it
                    // here too would store it twice, as two versions a later write may not both cover.
                    _owner.Reply(_client, new ClientReply(_clientRequestId, ClientStatus.Unavailable, Error: $"The connection to {_target} broke during the write: it may or may not have been applied."));
                    _owner._ops.Finish(this);
                    break;
                case DeliveryFailed:
                    _owner._ops.Finish(this);
                    _coordinateHere();
                    break;
            }
        }

        public override void OnDeadline(OperationDeadline kind)
        {
            string error = $"{_target} did not answer in time.";
            if (_request(0) is ClientRange)
            {
                _owner._ctx.Send(_client, new ClientRangeReply(_clientRequestId, ClientStatus.Unavailable, [], false, null, error));
            }
            else
            {
                _owner.Reply(_client, new ClientReply(_clientRequestId, ClientStatus.Unavailable, Error: error));
            }

            _owner._ops.Finish(this);
        }
    }
}
