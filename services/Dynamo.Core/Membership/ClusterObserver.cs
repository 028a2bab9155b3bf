using Dynamo.Core.Partitioning;
using Dynamo.Core.Runtime;

namespace Dynamo.Core.Membership;

/// <summary>
/// Follows the cluster without joining it: the router and the seed use it to learn the ring, the tables
/// and who is reachable, by the same gossip and failure detection as the storage nodes (DESIGN §6:
/// "it learns the ring by gossip like any node; it holds no data"). It pulls views from members and
/// seeds, answers gossip from nodes (the seed is their bootstrap contact), and pings ring members.
/// Event-driven like <see cref="DynamoNode"/> and, like it, not thread-safe.
/// </summary>
public sealed class ClusterObserver : IGossipHost, IStateMachine
{
    private readonly Gossip _gossip;
    private long _nextRequestId;
    private bool _started;

    public ClusterObserver(NodeId self, IReadOnlyList<NodeId> seeds, INodeEnvironment env, long gossipIntervalMs = 1_000, long heartbeatIntervalMs = 1_000, double phiThreshold = 8, long minStdDevMs = 200)
    {
        Self = self;
        Seeds = seeds;
        Env = env;
        GossipIntervalMs = gossipIntervalMs;
        HeartbeatIntervalMs = heartbeatIntervalMs;
        Detector = new PhiAccrualFailureDetector(phiThreshold, minStdDevMs, heartbeatIntervalMs);
        _gossip = new Gossip(this, Merge);
        _nextRequestId = env.Random.NextInt64(1, long.MaxValue / 2);
    }

    public NodeId Self { get; }

    public IReadOnlyList<NodeId> Seeds { get; }

    public INodeEnvironment Env { get; }

    public long GossipIntervalMs { get; }

    public long HeartbeatIntervalMs { get; }

    public PhiAccrualFailureDetector Detector { get; }

    public NodeStats Stats { get; } = new();

    public ClusterState State { get; private set; } = ClusterState.Empty;

    public Ring? Ring => State.Ring;

    public long Now => Env.NowMs;

    public int MaxReplication => Math.Max(3, State.Tables.Values.Select(t => t.N).DefaultIfEmpty(3).Max());

    /// <summary>Raised after the view changed, with the view before and after.</summary>
    public event Action<ClusterState, ClusterState>? Changed;

    public long NextRequestId() => _nextRequestId++;

    public void Send(NodeId to, Message message) => Env.Send(to, message);

    public void Start()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        Env.SetTimer(1, new TickTimer(Duty.Gossip));
        Env.SetTimer(Env.Random.NextInt64(1, HeartbeatIntervalMs + 1), new TickTimer(Duty.Heartbeat));
    }

    public bool IsAvailable(NodeId node) => node == Self || Detector.IsAvailable(node, Now);

    public IEnumerable<(NodeId Peer, double Phi)> Phi() => Detector.Snapshot(Now);

    public void Handle(NodeId from, Message message)
    {
        if (State.Members.ContainsKey(from) && message is not DeliveryFailed)
        {
            Detector.Heartbeat(from, Now);
        }

        switch (message)
        {
            case GossipRequest m:
                _gossip.OnRequest(from, m);
                break;
            case GossipReply m:
                _gossip.OnReply(m);
                break;
            case Ping m:
                Send(from, new Pong(m.RequestId));
                break;
            case DeliveryFailed:
                Detector.Suspect(from, Now, HeartbeatIntervalMs * 2);
                break;
        }
    }

    public void OnTimer(NodeTimer timer)
    {
        if (timer is not TickTimer { Duty: var duty })
        {
            return;
        }

        if (duty == Duty.Gossip)
        {
            _gossip.Round();
            Env.SetTimer(GossipIntervalMs, timer);
        }
        else if (duty == Duty.Heartbeat)
        {
            _gossip.Heartbeat();
            Env.SetTimer(HeartbeatIntervalMs, timer);
        }
    }

    /// <summary>Merges a view learnt elsewhere (a gossip reply, a table just created, the seed's saved record).</summary>
    public void Merge(ClusterState incoming)
    {
        var before = State;
        var after = ClusterState.Merge(before, incoming);
        if (ReferenceEquals(before, after))
        {
            return;
        }

        State = after;
        foreach (var (id, m) in after.Members)
        {
            if (m.Status == MemberStatus.Left)
            {
                Detector.Forget(id);
            }
        }

        Changed?.Invoke(before, after);
    }

    /// <summary>Admits a member (a node asking the seed to join) and pushes the news to every member.</summary>
    public void Admit(MemberState member)
    {
        Merge(State.WithMember(member));
        _gossip.Broadcast();
    }

    /// <summary>Administrative decommission: marks a member leaving and pushes the news to every member.</summary>
    public bool MarkLeaving(NodeId node)
    {
        if (State.Member(node) is not { Status: MemberStatus.Joining } m)
        {
            return false;
        }

        Merge(State.WithMember(m with { Status = MemberStatus.Leaving, Version = m.Version + 1 }));
        _gossip.Broadcast();
        return true;
    }
}
