namespace Dynamo.Chaos.Faults;

/// <summary>The faults a run injects into the real processes.</summary>
public enum FaultKind
{
    /// <summary>SIGKILL of a storage node's process, then a restart on the same RocksDB data.</summary>
    KillNode,

    /// <summary>A node cut off from every peer at its gRPC layer (admin fault injection), then reconnected.</summary>
    IsolateNode,

    /// <summary>The seed (gossip contact, membership admin) stopped, then started.</summary>
    StopSeed,

    /// <summary>Redis (the seed's membership record) stopped, then started.</summary>
    StopRedis,

    /// <summary>A spare node started: it joins and takes its partitions.</summary>
    JoinNode,

    /// <summary>A member decommissioned through the seed's admin API: it hands off and leaves.</summary>
    DecommissionNode,
}
