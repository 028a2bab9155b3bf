using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Dynamo.Core.Partitioning;
using Dynamo.Core.Runtime;
using Dynamo.Core.Telemetry;
using Dynamo.Core.Versioning;

namespace Dynamo.Core.Replication;

/// <summary>
/// A get coordinated by this node (§4.5, §5): ask the first N healthy nodes of the preference list,
/// answer with every causally concurrent version once R have replied, then keep listening a little
/// longer and read-repair the primaries that returned stale versions.
/// </summary>
internal sealed class CoordinatedRead : Operation
{
    private readonly QuorumCoordinator _owner;
    private readonly NodeId _client;
    private readonly ClientRead _msg;
    private readonly PreferenceList _pref;
    private readonly int _r;
    private readonly List<NodeId> _targets = [];
    private readonly HashSet<NodeId> _used = [];
    private readonly List<ReadRepair.Reply> _replies = [];
    private readonly Dictionary<long, (NodeId Target, ReplicaCallTrace Trace)> _calls = [];
    private int _primarySlotsMissing;
    private bool _replied;
    private Activity? _span;
    private long _started;

    public CoordinatedRead(QuorumCoordinator owner, NodeId client, ClientRead msg, PreferenceList pref, int r)
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
        var ops = _owner.Operations;
        ops.Start(this);
        _started = Stopwatch.GetTimestamp();
        _span = NodeTelemetry.Start("dynamo.coordinate get");
        _span?.SetTag("dynamo.table", _msg.Table)
            .SetTag("dynamo.partition", _pref.Partition)
            .SetTag("dynamo.coordinator", Ctx.Self.Value)
            .SetTag("dynamo.n", _pref.Primaries.Count)
            .SetTag("dynamo.r", _r);
        var primaries = _pref.Primaries;
        for (int i = 0; i < primaries.Count; i++)
        {
            var p = primaries[i];
            _used.Add(p);
            if (p == Ctx.Self || Ctx.IsAvailable(p))
            {
                _targets.Add(p);
            }
            else
            {
                _primarySlotsMissing++;
            }
        }

        for (int i = 0; i < _primarySlotsMissing; i++)
        {
            if (NextFallback() is { } f)
            {
                _targets.Add(f);
            }
        }

        foreach (var t in _targets.ToArray())
        {
            Ask(t);
        }

        ops.Deadlines(this, Ctx.Options.ReplicaTimeoutMs, Ctx.Options.RequestTimeoutMs);
        Progress();
    }

    private void Ask(NodeId target)
    {
        var span = NodeTelemetry.Start("dynamo.replica get", ActivityKind.Client, _span);
        span?.SetTag("dynamo.node", target.Value)
            .SetTag("dynamo.partition", _pref.Partition)
            .SetTag("dynamo.replica.role", _pref.IsPrimary(target) ? "owner" : "fallback");
        if (target == Ctx.Self)
        {
            _replies.Add(new ReadRepair.Reply(target, _owner.Replica.ReadLocal(_msg.Table, _msg.Key), _pref.IsPrimary(target)));
            NodeTelemetry.End(span, "local");
            return;
        }

        long id;
        using (NodeTelemetry.Enter(span))
        {
            id = _owner.Operations.Send(this, target, this, static (rid, read) => new ReplicaRead(rid, read._msg.Table, read._msg.Key));
        }

        _calls[id] = (target, new ReplicaCallTrace(_pref.IsPrimary(target) ? "owner" : "fallback", span));
    }

    // Ends the call's trace in place (the dictionary itself does not change); false when it had already ended or is unknown.
    private bool EndReplica(long requestId, string outcome)
    {
        ref var call = ref CollectionsMarshal.GetValueRefOrNullRef(_calls, requestId);
        return !Unsafe.IsNullRef(ref call) && call.Trace.End("get", outcome);
    }

    private NodeId? NextFallback() => Ctx.TakeFallback(_pref, _used);

    public override void OnResponse(NodeId from, long requestId, Message response)
    {
        // Each call is answered once; after Finish none is delivered.
        if (!_calls.TryGetValue(requestId, out var call)
            || !EndReplica(requestId, response is ReplicaReadReply reply0 ? (reply0.Set is null ? "not found" : "found") : "unreachable"))
        {
            return;
        }

        var target = call.Target;

        switch (response)
        {
            case ReplicaReadReply reply:
                _replies.Add(new ReadRepair.Reply(target, reply.Set, _pref.IsPrimary(target)));
                Progress();
                break;
            case DeliveryFailed:
                _targets.Remove(target);
                if (NextFallback() is { } f)
                {
                    _targets.Add(f);
                    Ask(f);
                }

                Progress();
                break;
        }
    }

    public override void OnDeadline(OperationDeadline kind)
    {
        switch (kind)
        {
            case OperationDeadline.Replica when !_replied:
                // Too few answers so far: widen the read to the next healthy fallbacks.
                int missing = _r - _replies.Count;
                for (int i = 0; i < missing; i++)
                {
                    if (NextFallback() is { } f)
                    {
                        _targets.Add(f);
                        Ask(f);
                    }
                }

                Progress();
                break;
            case OperationDeadline.Request when !_replied:
                _replied = true;
                Record("unavailable", 0);
                _owner.Reply(_client, new ClientReply(
                    _msg.RequestId,
                    ClientStatus.Unavailable,
                    Error: $"Only {_replies.Count} of the {_r} replicas required (r) answered in time.",
                    Replied: _replies.Count,
                    Required: _r));
                Finish();
                break;
            case OperationDeadline.Linger:
            case OperationDeadline.Request:
                Finish();
                break;
        }
    }

    private void Progress()
    {
        if (!_replied && _replies.Count >= _r)
        {
            _replied = true;
            Answer();
            if (_replies.Count < _targets.Count)
            {
                _owner.Operations.Deadline(this, Ctx.Options.ReadLingerMs, OperationDeadline.Linger);
            }
        }

        if (_replied && _replies.Count >= _targets.Count)
        {
            Finish();
        }
    }

    private void Answer()
    {
        var (merged, _) = ReadRepair.Plan(_replies);
        var values = merged?.LiveValues() ?? [];
        string? context = merged is null ? null : Ctx.Contexts.Encode(merged.Context(), _msg.Table, _msg.Key);
        Ctx.Stats.SiblingsReturned += values.Count;
        Record(values.Count == 0 ? "not found" : "ok", values.Count);
        _owner.Reply(_client, values.Count == 0
            ? new ClientReply(_msg.RequestId, ClientStatus.NotFound, context, Replied: _replies.Count, Required: _r)
            : new ClientReply(_msg.RequestId, ClientStatus.Ok, context, values, Replied: _replies.Count, Required: _r));
    }

    private void Finish()
    {
        if (Finished)
        {
            return;
        }

        var (merged, stale) = ReadRepair.Plan(_replies);
        _owner.Operations.Finish(this);
        if (merged is not null)
        {
            foreach (var node in stale)
            {
                Ctx.Stats.ReadRepairs++;
                var repair = NodeTelemetry.Start("dynamo.read_repair", ActivityKind.Client, _span);
                repair?.SetTag("dynamo.node", node.Value).SetTag("dynamo.partition", _pref.Partition);
                using (NodeTelemetry.Enter(repair))
                {
                    if (node == Ctx.Self)
                    {
                        _owner.Replica.MergeData(_msg.Table, _msg.Key, merged);
                    }
                    else
                    {
                        Ctx.Send(node, new ReplicaWrite(Ctx.NextRequestId(), _msg.Table, _msg.Key, merged));
                    }
                }

                NodeTelemetry.End(repair);
            }
        }

        _span?.SetTag("dynamo.read_repairs", stale.Count).SetTag("dynamo.replies", _replies.Count);
        foreach (long id in _calls.Keys)
        {
            EndReplica(id, "no answer"); // changes the entry in place, not the dictionary
        }

        NodeTelemetry.End(_span);
    }

    private void Record(string outcome, int siblings)
    {
        _span?.SetTag("dynamo.outcome", outcome).SetTag("dynamo.siblings", siblings);
        using (NodeTelemetry.Enter(_span))
        {
            NodeTelemetry.RequestDuration.Record(NodeTelemetry.ElapsedMs(_started), new("dynamo.operation", "get"), new("dynamo.outcome", outcome));
            if (outcome == "ok")
            {
                NodeTelemetry.SiblingsPerRead.Record(siblings);
            }
        }
    }
}
