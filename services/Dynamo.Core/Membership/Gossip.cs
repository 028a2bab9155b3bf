using Dynamo.Core.Runtime;
using Dynamo.Core.Telemetry;

namespace Dynamo.Core.Membership;

/// <summary>
/// Gossip-based membership (§4.8.1) and local failure detection (§4.8.3). Every round a node makes a
/// push-pull exchange of its whole view with one random member, and now and then with a seed so that
/// logical partitions cannot form (§4.8.2). It also pings the nodes it shares preference lists with;
/// every message that arrives from a peer is a heartbeat for the phi-accrual detector.
/// </summary>
internal sealed class Gossip
{
    private readonly IGossipHost _ctx;
    private readonly Action<ClusterState> _merge;

    // The exchange in flight (at most one per round; a reply after the next round started is just merged).
    private (long RequestId, long Started, System.Diagnostics.Activity? Span) _round;

    public Gossip(IGossipHost ctx, Action<ClusterState> merge)
    {
        _ctx = ctx;
        _merge = merge;
    }

    public void Round()
    {
        _ctx.Stats.GossipRounds++;
        var peers = new List<NodeId>();
        foreach (var (id, m) in _ctx.State.Members)
        {
            if (id != _ctx.Self && m.Status != MemberStatus.Left)
            {
                peers.Add(id);
            }
        }

        var seeds = _ctx.Seeds.Where(s => s != _ctx.Self).ToList();

        // A seed with probability 1/(members+1), or always while no member is known.
        NodeId? target = null;
        if (seeds.Count > 0 && (peers.Count == 0 || _ctx.Env.Random.Next(peers.Count + 1) == 0))
        {
            target = seeds[_ctx.Env.Random.Next(seeds.Count)];
        }
        else if (peers.Count > 0)
        {
            target = peers[_ctx.Env.Random.Next(peers.Count)];
        }

        if (target is { } t)
        {
            NodeTelemetry.End(_round.Span, "no answer");
            var span = NodeTelemetry.Start("dynamo.gossip", System.Diagnostics.ActivityKind.Client);
            span?.SetTag("dynamo.node", _ctx.Self.Value).SetTag("dynamo.peer", t.Value).SetTag("dynamo.members", _ctx.State.Members.Count);
            long id = _ctx.NextRequestId();
            _round = (id, System.Diagnostics.Stopwatch.GetTimestamp(), span);
            using (NodeTelemetry.Enter(span))
            {
                _ctx.Send(t, new GossipRequest(id, _ctx.State));
            }
        }
    }

    public void Heartbeat()
    {
        foreach (var peer in HeartbeatPeers())
        {
            _ctx.Detector.Watch(peer, _ctx.Now);
            _ctx.Send(peer, new Ping(_ctx.NextRequestId()));
        }
    }

    /// <summary>Pushes the current view to every member at once (a table was created or changed).</summary>
    public void Broadcast()
    {
        foreach (var (id, m) in _ctx.State.Members)
        {
            if (id != _ctx.Self && m.Status != MemberStatus.Left)
            {
                _ctx.Send(id, new GossipRequest(_ctx.NextRequestId(), _ctx.State));
            }
        }
    }

    public void OnRequest(NodeId from, GossipRequest msg)
    {
        _merge(msg.State);
        _ctx.Send(from, new GossipReply(msg.RequestId, _ctx.State));
    }

    public void OnReply(GossipReply msg)
    {
        _merge(msg.State);
        if (msg.RequestId == _round.RequestId)
        {
            NodeTelemetry.GossipRoundDuration.Record(NodeTelemetry.ElapsedMs(_round.Started));
            NodeTelemetry.End(_round.Span, "merged");
            _round = default;
        }
    }

    // Small clusters ping everyone; large ones only the nodes they share preference lists with.
    private IEnumerable<NodeId> HeartbeatPeers()
    {
        if (_ctx.State.Ring is not { } ring)
        {
            foreach (var id in _ctx.State.Members.Keys)
            {
                if (id != _ctx.Self)
                {
                    yield return id;
                }
            }

            yield break;
        }

        if (ring.Members.Count <= 16 || !ring.Contains(_ctx.Self))
        {
            foreach (var m in ring.Members)
            {
                if (m.Id != _ctx.Self)
                {
                    yield return m.Id;
                }
            }

            yield break;
        }

        var neighbours = new SortedSet<NodeId>();
        int n = _ctx.MaxReplication;
        foreach (int p in ring.PartitionsOf(_ctx.Self))
        {
            for (int d = -(n - 1); d <= n - 1; d++)
            {
                var pref = ring.PreferenceList((p + d) & (ring.PartitionCount - 1), n);
                foreach (var id in pref.Primaries)
                {
                    if (id != _ctx.Self)
                    {
                        neighbours.Add(id);
                    }
                }
            }
        }

        foreach (var id in neighbours)
        {
            yield return id;
        }
    }
}

/// <summary>What <see cref="Gossip"/> needs from its owner: a storage node or a <see cref="ClusterObserver"/>.</summary>
internal interface IGossipHost
{
    NodeId Self { get; }

    ClusterState State { get; }

    IReadOnlyList<NodeId> Seeds { get; }

    INodeEnvironment Env { get; }

    PhiAccrualFailureDetector Detector { get; }

    NodeStats Stats { get; }

    long Now { get; }

    /// <summary>The largest N in use: how far around its partitions a node looks for heartbeat peers.</summary>
    int MaxReplication { get; }

    long NextRequestId();

    void Send(NodeId to, Message message);
}
