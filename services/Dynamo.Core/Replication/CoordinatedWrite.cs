using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Dynamo.Core.Partitioning;
using Dynamo.Core.Runtime;
using Dynamo.Core.Telemetry;
using Dynamo.Core.Storage;
using Dynamo.Core.Versioning;

namespace Dynamo.Core.Replication;

/// <summary>
/// A put or delete coordinated by this node (§4.5, §4.6): make the new version from the local copy and
/// the client's context, write it locally, send it to the other replicas, and answer once W have
/// acknowledged. Each of the N primaries is a slot; a primary that is down or silent is replaced by
/// the next healthy fallback, which keeps the version as a hint naming the primary (sloppy quorum).
/// </summary>
internal sealed class CoordinatedWrite : Operation
{
    private readonly QuorumCoordinator _owner;
    private readonly NodeId _client;
    private readonly ClientWrite _msg;
    private readonly PreferenceList _pref;
    private readonly VersionVector _context;
    private readonly int _w;
    private readonly List<Slot> _slots = [];
    private readonly HashSet<NodeId> _used = [];
    private readonly HashSet<NodeId> _acked = [];
    private readonly Dictionary<long, (Slot Slot, ReplicaCallTrace Trace)> _calls = [];
    private DottedVersionVectorSet _set = DottedVersionVectorSet.Empty;
    private string? _replyContext;
    private bool _replied;
    private Activity? _span;
    private long _started;

    public CoordinatedWrite(QuorumCoordinator owner, NodeId client, ClientWrite msg, PreferenceList pref, VersionVector context, int w)
    {
        _owner = owner;
        _client = client;
        _msg = msg;
        _pref = pref;
        _context = context;
        _w = w;
    }

    private sealed class Slot(NodeId primary)
    {
        public NodeId Primary { get; } = primary;

        public NodeId? Target { get; set; }

        public bool Acked { get; set; }

        public NodeId? HintFor => Target == Primary ? null : Primary;
    }

    private NodeContext Ctx => _owner.Context;

    private string Operation => _msg.Value.IsTombstone ? "delete" : "put";

    public void Start()
    {
        var ops = _owner.Operations;
        ops.Start(this);
        var self = Ctx.Self;
        bool selfIsPrimary = _pref.IsPrimary(self);
        _started = Stopwatch.GetTimestamp();
        _span = NodeTelemetry.Start("dynamo.coordinate " + Operation);
        _span?.SetTag("dynamo.table", _msg.Table)
            .SetTag("dynamo.partition", _pref.Partition)
            .SetTag("dynamo.coordinator", self.Value)
            .SetTag("dynamo.coordinator.role", selfIsPrimary ? "owner" : "fallback")
            .SetTag("dynamo.n", _pref.Primaries.Count)
            .SetTag("dynamo.w", _w);
        var primaries = _pref.Primaries;
        for (int i = 0; i < primaries.Count; i++)
        {
            var primary = primaries[i];
            var slot = new Slot(primary);
            _slots.Add(slot);
            if (primary == self || Ctx.IsAvailable(primary))
            {
                slot.Target = primary;
                _used.Add(primary);
            }
        }

        // A coordinator that is not a primary stands in for the first primary that is down.
        if (!selfIsPrimary && _slots.FirstOrDefault(s => s.Target is null) is { } mine)
        {
            mine.Target = self;
            _used.Add(self);
        }

        foreach (var slot in _slots)
        {
            if (slot.Target is null)
            {
                slot.Target = NextFallback();
            }
        }

        WriteLocally(_slots.FirstOrDefault(s => s.Target == self));
        foreach (var slot in _slots)
        {
            if (slot.Target is { } t && t != self)
            {
                SendTo(slot, t);
            }
        }

        ops.Deadlines(this, Ctx.Options.ReplicaTimeoutMs, Ctx.Options.RequestTimeoutMs);
        Progress();
    }

    private void WriteLocally(Slot? slot)
    {
        var self = Ctx.Self;
        var table = _msg.Table;
        var key = _msg.Key;
        var raw = Ctx.Store.KeyOf(table, key);
        var own = Ctx.Store.Get(raw);
        var stored = slot?.HintFor is null && _pref.IsPrimary(self) ? own : null;
        var local = _owner.Replica.WithHints(table, key, own?.Set) ?? DottedVersionVectorSet.Empty;

        // Continue this node's epoch on the key only when this record has held every dot of it since the
        // epoch began in this run; otherwise start a fresh epoch, so no dot is ever issued twice.
        Actor actor;
        if (stored is { CoordinatorEpoch: var e and > 0 }
            && Ctx.Epochs.IsCurrent(e)
            && _context[new Actor(self, e)] <= stored.Set.CounterOf(new Actor(self, e)))
        {
            actor = new Actor(self, e);
        }
        else
        {
            actor = new Actor(self, Ctx.Epochs.Allocate());
        }

        _set = local.Update(_context, actor, _msg.Value);
        long counter = _set.CounterOf(actor);

        // The client's new context covers what it had read plus its own write, and nothing it has not
        // seen: if this actor issued other dots on the key the client did not read, the new dot cannot
        // be added without claiming them too, so the client keeps its old context.
        var ctx = _context[actor] == counter - 1
            ? _context.Merge(VersionVector.From([new(actor, counter)]))
            : _context;
        _replyContext = Ctx.Contexts.Encode(ctx, table, key);

        if (slot is null)
        {
            return;
        }

        var localSpan = ReplicaSpan(self, slot.HintFor);
        if (slot.HintFor is { } owner)
        {
            using (NodeTelemetry.Enter(localSpan))
            {
                _owner.Replica.MergeHint(table, key, owner, _set);
            }
        }
        else
        {
            var obj = StoredObject.Create(_set, ObjectCodec.EncodeShared(_set), actor.Epoch, Ctx.Now, stored);
            _owner.Replica.WriteData(raw, stored, obj);
        }

        slot.Acked = true;
        _acked.Add(self);
        NodeTelemetry.End(localSpan, "ack");
    }

    private Activity? ReplicaSpan(NodeId target, NodeId? hintFor)
    {
        var span = NodeTelemetry.Start("dynamo.replica " + Operation, ActivityKind.Client, _span);
        span?.SetTag("dynamo.node", target.Value)
            .SetTag("dynamo.partition", _pref.Partition)
            .SetTag("dynamo.replica.role", hintFor is null ? "owner" : "fallback")
            .SetTag("dynamo.hint.for", hintFor?.Value);
        return span;
    }

    private NodeId? NextFallback() => Ctx.TakeFallback(_pref, _used);

    private void SendTo(Slot slot, NodeId target)
    {
        slot.Target = target;
        var hintFor = slot.HintFor;
        var span = ReplicaSpan(target, hintFor);
        long id;
        using (NodeTelemetry.Enter(span))
        {
            id = _owner.Operations.Send(this, target, (Write: this, HintFor: hintFor), static (rid, s) => new ReplicaWrite(rid, s.Write._msg.Table, s.Write._msg.Key, s.Write._set, s.HintFor));
        }

        _calls[id] = (slot, new ReplicaCallTrace(hintFor is null ? "owner" : "fallback", span));
    }

    // Ends the call's trace in place (the dictionary itself does not change).
    private void EndReplica(long requestId, string outcome)
    {
        ref var call = ref CollectionsMarshal.GetValueRefOrNullRef(_calls, requestId);
        if (!Unsafe.IsNullRef(ref call))
        {
            call.Trace.End(Operation, outcome);
        }
    }

    public override void OnResponse(NodeId from, long requestId, Message response)
    {
        if (!_calls.TryGetValue(requestId, out var call))
        {
            return;
        }

        var slot = call.Slot;

        EndReplica(requestId, response switch
        {
            ReplicaWriteAck { Ok: true } => "ack",
            ReplicaWriteAck => "refused",
            _ => "unreachable",
        });
        if (response is ReplicaWriteAck { Ok: true })
        {
            slot.Acked = true;
            _acked.Add(from);
            Progress();
            return;
        }

        // Refused or undeliverable: move this slot to the next fallback now rather than at the deadline.
        if (!slot.Acked && slot.Target == from && NextFallback() is { } fallback)
        {
            SendTo(slot, fallback);
        }
    }

    public override void OnDeadline(OperationDeadline kind)
    {
        if (kind == OperationDeadline.Replica)
        {
            bool moved = false;
            foreach (var slot in _slots)
            {
                if (!slot.Acked && NextFallback() is { } fallback)
                {
                    SendTo(slot, fallback);
                    moved = true;
                }
            }

            if (moved)
            {
                _owner.Operations.Deadline(this, Ctx.Options.ReplicaTimeoutMs, OperationDeadline.Replica);
            }

            return;
        }

        if (!_replied)
        {
            _replied = true;
            Record("unavailable");
            _owner.Reply(_client, new ClientReply(
                _msg.RequestId,
                ClientStatus.Unavailable,
                Error: $"Only {_acked.Count} of the {_w} replicas required (w) acknowledged the write in time.",
                Replied: _acked.Count,
                Required: _w));
        }

        _owner.Operations.Finish(this);
    }

    private void Progress()
    {
        if (!_replied && _acked.Count >= _w)
        {
            _replied = true;
            Record("ok");
            _owner.Reply(_client, new ClientReply(_msg.RequestId, ClientStatus.Ok, _replyContext, Replied: _acked.Count, Required: _w));
        }

        if (_slots.All(s => s.Acked))
        {
            _owner.Operations.Finish(this);
        }
    }

    private void Record(string outcome)
    {
        _span?.SetTag("dynamo.outcome", outcome).SetTag("dynamo.acks", _acked.Count);
        using (NodeTelemetry.Enter(_span))
        {
            NodeTelemetry.RequestDuration.Record(
                NodeTelemetry.ElapsedMs(_started),
                new("dynamo.operation", Operation),
                new("dynamo.outcome", outcome));
        }
    }

    protected internal override void OnFinished()
    {
        foreach (long id in _calls.Keys)
        {
            EndReplica(id, "no answer"); // changes the entry in place, not the dictionary
        }

        NodeTelemetry.End(_span);
    }
}
