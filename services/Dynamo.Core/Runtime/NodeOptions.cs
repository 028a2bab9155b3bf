using Dynamo.Core.AntiEntropy;

namespace Dynamo.Core.Runtime;

/// <summary>
/// Every setting of a node's protocol logic (DESIGN §11). Hosts bind it from configuration and call
/// <see cref="Validate"/> at start: a bad value stops the process with a message naming the setting.
/// </summary>
public sealed class NodeOptions
{
    public required NodeId NodeId { get; init; }

    /// <summary>Where other nodes reach this one (a URL in the services; unused in the simulator).</summary>
    public string Address { get; init; } = "";

    /// <summary>Capacity weight: partitions are claimed in proportion to it (§2 "heterogeneity").</summary>
    public int Capacity { get; init; } = 1;

    public string? Zone { get; init; }

    /// <summary>Q, the number of equal partitions; a power of two, fixed for the life of a cluster (§6.2).</summary>
    public int PartitionCount { get; init; } = 256;

    public int DefaultN { get; init; } = 3;

    public int DefaultR { get; init; } = 2;

    public int DefaultW { get; init; } = 2;

    /// <summary>Signs client contexts; shared by every node and router of the cluster.</summary>
    public required byte[] ClusterSecret { get; init; }

    /// <summary>Nodes contacted at start and now and then, so that logical partitions cannot form (§4.8.2).</summary>
    public IReadOnlyList<NodeId> Seeds { get; init; } = [];

    public int MaxValueBytes { get; init; } = 1 << 20;

    public long RequestTimeoutMs { get; init; } = 2_000;

    /// <summary>A replica silent this long is replaced by the next healthy fallback, with a hint.</summary>
    public long ReplicaTimeoutMs { get; init; } = 500;

    /// <summary>After answering a read, how long the coordinator waits for the other replicas before read repair.</summary>
    public long ReadLingerMs { get; init; } = 250;

    public long GossipIntervalMs { get; init; } = 1_000;

    public long HeartbeatIntervalMs { get; init; } = 1_000;

    public double PhiThreshold { get; init; } = 8.0;

    public long FailureDetectorMinStdDevMs { get; init; } = 200;

    public long HintDeliveryIntervalMs { get; init; } = 1_000;

    public long HandoffIntervalMs { get; init; } = 1_000;

    public int SyncBatchSize { get; init; } = 256;

    public long AntiEntropyIntervalMs { get; init; } = 1_000;

    /// <summary>Anti-entropy budget: keys exchanged per exchange (§6.5: background work yields to foreground requests).</summary>
    public int AntiEntropyKeysPerExchange { get; init; } = 512;

    public int MerkleLevels { get; init; } = MerkleTree.DefaultLevels;

    /// <summary>How long a tombstone stays before it may be collected, once every replica holds it.</summary>
    public long TombstoneGraceMs { get; init; } = 3_600_000;

    public long ReapIntervalMs { get; init; } = 10_000;

    /// <summary>Time between the two checks of a collection, longer than any message can stay in flight.</summary>
    public long ReapSettleMs { get; init; } = 10_000;

    public int ClaimSpacing { get; init; } = Partitioning.RingClaim.DefaultSpacing;

    /// <summary>Returns the first invalid setting as "Name: reason", or null.</summary>
    public string? Validate()
    {
        static bool Pow2(int x) => x > 0 && (x & (x - 1)) == 0;
        var checks = new (bool Ok, string Name, string Why)[]
        {
            (Pow2(PartitionCount) && PartitionCount <= Partitioning.Ring.MaxPartitions, nameof(PartitionCount), "must be a power of two up to 2^20"),
            (Capacity is >= 1 and <= Partitioning.RingMember.MaxCapacity, nameof(Capacity), "must be between 1 and 10000"),
            (DefaultN is >= 1 and <= Membership.TableSettings.MaxN, nameof(DefaultN), "must be between 1 and 16"),
            (DefaultR >= 1 && DefaultR <= DefaultN, nameof(DefaultR), "must be between 1 and DefaultN"),
            (DefaultW >= 1 && DefaultW <= DefaultN, nameof(DefaultW), "must be between 1 and DefaultN"),
            (ClusterSecret is { Length: >= 16 }, nameof(ClusterSecret), "must be at least 16 bytes"),
            (MaxValueBytes is > 0 and <= Versioning.ObjectCodec.MaxValueBytes, nameof(MaxValueBytes), "must be between 1 byte and 64 MiB"),
            (RequestTimeoutMs > 0, nameof(RequestTimeoutMs), "must be positive"),
            (ReplicaTimeoutMs > 0 && ReplicaTimeoutMs < RequestTimeoutMs, nameof(ReplicaTimeoutMs), "must be positive and below RequestTimeoutMs"),
            (ReadLingerMs >= 0, nameof(ReadLingerMs), "must not be negative"),
            (GossipIntervalMs > 0, nameof(GossipIntervalMs), "must be positive"),
            (HeartbeatIntervalMs > 0, nameof(HeartbeatIntervalMs), "must be positive"),
            (PhiThreshold > 0, nameof(PhiThreshold), "must be positive"),
            (FailureDetectorMinStdDevMs > 0, nameof(FailureDetectorMinStdDevMs), "must be positive"),
            (HintDeliveryIntervalMs > 0, nameof(HintDeliveryIntervalMs), "must be positive"),
            (HandoffIntervalMs > 0, nameof(HandoffIntervalMs), "must be positive"),
            (SyncBatchSize > 0, nameof(SyncBatchSize), "must be positive"),
            (AntiEntropyIntervalMs > 0, nameof(AntiEntropyIntervalMs), "must be positive"),
            (AntiEntropyKeysPerExchange > 0, nameof(AntiEntropyKeysPerExchange), "must be positive"),
            (MerkleLevels is >= 1 and <= 4, nameof(MerkleLevels), "must be between 1 and 4"),
            (TombstoneGraceMs >= 0, nameof(TombstoneGraceMs), "must not be negative"),
            (ReapIntervalMs > 0, nameof(ReapIntervalMs), "must be positive"),
            (ReapSettleMs > 0, nameof(ReapSettleMs), "must be positive"),
            (ClaimSpacing >= 1, nameof(ClaimSpacing), "must be at least 1"),
        };
        foreach (var (ok, name, why) in checks)
        {
            if (!ok)
            {
                return $"{name}: {why}.";
            }
        }

        return null;
    }
}
