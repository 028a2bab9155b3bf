using System.Buffers.Binary;
using Dynamo.Core.AntiEntropy;
using Dynamo.Core.Membership;
using Dynamo.Core.Replication;
using Dynamo.Core.Runtime;
using Dynamo.Core.Storage;

namespace Dynamo.Core;

/// <summary>
/// A storage node's protocol logic as one event-driven state machine (DESIGN §10): a message or a timer
/// goes in through <see cref="Handle"/> or <see cref="OnTimer"/>; messages, timers and storage writes
/// come out through the <see cref="INodeEnvironment"/> and the storage engine. Not thread-safe: the
/// simulator calls it from one thread, the services serialize calls to it.
///
/// Every node runs the same code and can coordinate (§2 "symmetry"). The parts are named after the
/// paper: <see cref="QuorumCoordinator"/>, <see cref="Replica"/>, <see cref="HintedHandoff"/>,
/// <see cref="PartitionHandoff"/>, <see cref="AntiEntropyExchange"/>, <see cref="Gossip"/>,
/// <see cref="TombstoneReaper"/>.
/// </summary>
public sealed class DynamoNode : IStateMachine
{
    private const string StateMetaKey = "cluster-state";
    private const string IncarnationMetaKey = "incarnation";
    private const string MemberVersionMetaKey = "member-version";

    private readonly NodeContext _ctx;
    private readonly Operations _ops;
    private readonly Replica _replica;
    private readonly QuorumCoordinator _coordinator;
    private readonly Gossip _gossip;
    private readonly HintedHandoff _hints;
    private readonly PartitionHandoff _handoff;
    private readonly AntiEntropyExchange _antiEntropy;
    private readonly TombstoneReaper _reaper;
    private bool _started;

    public DynamoNode(NodeOptions options, INodeEnvironment environment, IStorageEngine storage)
    {
        if (options.Validate() is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        _ctx = new NodeContext(options, environment, new ReplicaStore(storage, options.PartitionCount));
        _ops = new Operations(_ctx);
        _replica = new Replica(_ctx);
        _coordinator = new QuorumCoordinator(_ctx, _ops, _replica, LearnTable);
        _gossip = new Gossip(_ctx, Merge);
        _hints = new HintedHandoff(_ctx, _ops, _replica);
        _handoff = new PartitionHandoff(_ctx, _ops, _replica, me => Apply(_ctx.State.WithMember(me)));
        _antiEntropy = new AntiEntropyExchange(_ctx, _ops, _replica);
        _reaper = new TombstoneReaper(_ctx, _ops, _replica);
    }

    public NodeId Id => _ctx.Self;

    public ClusterState State => _ctx.State;

    public NodeStats Stats => _ctx.Stats;

    public ReplicaStore Store => _ctx.Store;

    public NodeOptions Options => _ctx.Options;

    /// <summary>Raised (inside the node's serialized logic) after its view changed, with the view before and after.</summary>
    public event Action<ClusterState, ClusterState>? StateChanged;

    /// <summary>Operations in flight (coordinations, deliveries, exchanges).</summary>
    public int PendingOperations => _ops.Count;

    /// <summary>Merkle trees currently built in memory.</summary>
    public int MerkleTreesBuilt => _ctx.Trees.BuiltCount;

    /// <summary>Loads what this node remembers, announces itself as joining, and starts its periodic duties.</summary>
    public void Start()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        var store = _ctx.Store;
        if (store.GetMeta(StateMetaKey) is { } saved)
        {
            _ctx.State = ClusterStateCodec.Decode(saved);
        }

        long incarnation = ReadLong(IncarnationMetaKey);
        if (incarnation == 0)
        {
            incarnation = Math.Max(1, _ctx.Now);
            WriteLong(IncarnationMetaKey, incarnation);
        }

        long version = ReadLong(MemberVersionMetaKey) + 1;
        WriteLong(MemberVersionMetaKey, version);
        var o = _ctx.Options;
        var me = _ctx.State.Member(_ctx.Self);
        var status = me is not null && me.Incarnation == incarnation ? me.Status : MemberStatus.Joining;
        Apply(_ctx.State.WithMember(new MemberState(_ctx.Self, o.Address, status, o.Capacity, o.Zone, incarnation, version)));

        // Periodic duties start at random offsets so that nodes do not act in lockstep.
        var rnd = _ctx.Env.Random;
        Schedule(Duty.Gossip, rnd.NextInt64(1, o.GossipIntervalMs + 1));
        Schedule(Duty.Heartbeat, rnd.NextInt64(1, o.HeartbeatIntervalMs + 1));
        Schedule(Duty.HintDelivery, rnd.NextInt64(1, o.HintDeliveryIntervalMs + 1));
        Schedule(Duty.Handoff, rnd.NextInt64(1, o.HandoffIntervalMs + 1));
        Schedule(Duty.AntiEntropy, rnd.NextInt64(1, o.AntiEntropyIntervalMs + 1));
        Schedule(Duty.Reap, rnd.NextInt64(1, o.ReapIntervalMs + 1));
    }

    public void Handle(NodeId from, Message message)
    {
        if (from != _ctx.Self && _ctx.State.Members.ContainsKey(from) && message is not DeliveryFailed)
        {
            _ctx.Detector.Heartbeat(from, _ctx.Now);
        }

        switch (message)
        {
            case ClientWrite m:
                _coordinator.OnClientWrite(from, m);
                break;
            case ClientRead m:
                _coordinator.OnClientRead(from, m);
                break;
            case ClientRange m:
                _coordinator.OnClientRange(from, m);
                break;
            case ReplicaRange m:
                _replica.OnRange(from, m);
                break;
            case ReplicaWrite m:
                _replica.OnWrite(from, m);
                break;
            case ReplicaRead m:
                _replica.OnRead(from, m);
                break;
            case ReplicaSync m:
                _replica.OnSync(from, m);
                break;
            case FetchRequest m:
                _replica.OnFetch(from, m);
                break;
            case MerkleTreeRequest m:
                _antiEntropy.OnTreeRequest(from, m);
                break;
            case MerkleKeysRequest m:
                _antiEntropy.OnKeysRequest(from, m);
                break;
            case ReapCheck m:
                _reaper.OnCheck(from, m);
                break;
            case Reap m:
                _reaper.OnReap(from, m);
                break;
            case GossipRequest m:
                _gossip.OnRequest(from, m);
                break;
            case GossipReply m:
                _gossip.OnReply(m);
                _ops.Route(from, m);
                break;
            case Ping m:
                _ctx.Send(from, new Pong(m.RequestId));
                break;
            case Pong:
                break;
            case DeliveryFailed m:
                _ctx.Detector.Suspect(from, _ctx.Now, _ctx.Options.HeartbeatIntervalMs * 2);
                _ops.Route(from, m);
                break;
            case IResponse response:
                _ops.Route(from, response);
                break;
        }
    }

    public void OnTimer(NodeTimer timer)
    {
        switch (timer)
        {
            case OperationTimer t:
                _ops.Fire(t);
                break;
            case TickTimer { Duty: var duty }:
                RunDuty(duty);
                break;
        }
    }

    /// <summary>Creates or changes a table and pushes the change to every member at once. Returns an error, or null.</summary>
    public string? PutTable(string name, int n, int r, int w)
    {
        if (!KeyRules.IsValidTable(name))
        {
            return "A table name is 1 to 255 characters of A-Z, a-z, 0-9, '_', '.', '-'.";
        }

        if (TableSettings.Validate(n, r, w, _ctx.Ring?.Members.Count ?? 0) is { } error)
        {
            return error;
        }

        long version = (_ctx.State.Tables.TryGetValue(name, out var old) ? old.Version : 0) + 1;
        Apply(_ctx.State.WithTable(new TableSettings(name, n, r, w, version)));
        _gossip.Broadcast();
        return null;
    }

    /// <summary>Administrative decommission (§4.8.1): marks <paramref name="node"/> leaving; the claimant moves its partitions away.</summary>
    public bool MarkLeaving(NodeId node)
    {
        if (_ctx.State.Member(node) is not { } m || m.Status != MemberStatus.Joining)
        {
            return false;
        }

        Apply(_ctx.State.WithMember(m with { Status = MemberStatus.Leaving, Version = m.Version + 1 }));
        _gossip.Broadcast();
        return true;
    }

    /// <summary>Merges a view obtained outside gossip (the seed's answer to a join request).</summary>
    public void Learn(ClusterState state) => Merge(state);

    /// <summary>Starts an anti-entropy exchange now rather than at the next tick (an operator's command).</summary>
    public void RunAntiEntropyNow() => _antiEntropy.Tick();

    /// <summary>Phi of every watched peer, for metrics and the cluster view.</summary>
    public IEnumerable<(NodeId Peer, double Phi)> Phi() => _ctx.Detector.Snapshot(_ctx.Now);

    public bool IsAvailable(NodeId node) => _ctx.IsAvailable(node);

    private void RunDuty(Duty duty)
    {
        var o = _ctx.Options;
        switch (duty)
        {
            case Duty.Gossip:
                _gossip.Round();
                if (Claimant.NextRing(_ctx.State, _ctx.Self, _ctx.IsAvailable, o.PartitionCount, o.ClaimSpacing) is { } ring)
                {
                    Apply(_ctx.State.WithRing(ring));
                    _gossip.Broadcast();
                }

                Schedule(duty, o.GossipIntervalMs);
                break;
            case Duty.Heartbeat:
                _gossip.Heartbeat();
                Schedule(duty, o.HeartbeatIntervalMs);
                break;
            case Duty.HintDelivery:
                _hints.Tick();
                Schedule(duty, o.HintDeliveryIntervalMs);
                break;
            case Duty.Handoff:
                _handoff.Tick();
                Schedule(duty, o.HandoffIntervalMs);
                break;
            case Duty.AntiEntropy:
                _antiEntropy.Tick();
                Schedule(duty, o.AntiEntropyIntervalMs);
                break;
            case Duty.Reap:
                _reaper.Tick();
                Schedule(duty, o.ReapIntervalMs);
                break;
        }
    }

    private void Schedule(Duty duty, long delayMs) => _ctx.After(delayMs, new TickTimer(duty));

    private void LearnTable(TableSettings table) => Apply(_ctx.State.WithTable(table));

    private void Merge(ClusterState incoming) => Apply(ClusterState.Merge(_ctx.State, incoming));

    private void Apply(ClusterState next)
    {
        var previous = _ctx.State;
        if (ReferenceEquals(next, previous))
        {
            return;
        }

        if (!SameReplication(previous, next))
        {
            _ctx.Trees.Reset();
        }

        if (next.Ring is not null && (previous.Ring is null || next.Ring.CompareVersion(previous.Ring) != 0))
        {
            _ctx.Stats.RingChanges++;
        }

        // A newer incarnation of ourselves in someone's view means our data directory was recreated
        // elsewhere under the same id; nothing to do but keep announcing ours (the higher one wins).
        _ctx.State = next;
        foreach (var (id, m) in next.Members)
        {
            if (m.Status == MemberStatus.Left)
            {
                _ctx.Detector.Forget(id);
            }
        }

        _ctx.Store.PutMeta(StateMetaKey, ClusterStateCodec.Encode(next));
        StateChanged?.Invoke(previous, next);
    }

    private static bool SameReplication(ClusterState a, ClusterState b)
    {
        if (a.Tables.Count != b.Tables.Count)
        {
            return false;
        }

        foreach (var (name, t) in a.Tables)
        {
            if (!b.Tables.TryGetValue(name, out var o) || o.N != t.N)
            {
                return false;
            }
        }

        return true;
    }

    private long ReadLong(string key) =>
        _ctx.Store.GetMeta(key) is { Length: 8 } raw ? BinaryPrimitives.ReadInt64LittleEndian(raw) : 0;

    private void WriteLong(string key, long value)
    {
        var raw = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(raw, value);
        _ctx.Store.PutMeta(key, raw);
    }
}
