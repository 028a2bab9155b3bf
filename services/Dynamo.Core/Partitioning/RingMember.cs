namespace Dynamo.Core.Partitioning;

/// <summary>
/// A physical node as the ring sees it: its capacity weight (paper §2 "heterogeneity": a node holds
/// partitions in proportion to its weight) and an optional zone/rack used to spread replicas (§4.6).
/// </summary>
public sealed record RingMember(NodeId Id, int Capacity = 1, string? Zone = null)
{
    public const int MaxCapacity = 10_000;

    public int Capacity { get; init; } = Capacity is >= 1 and <= MaxCapacity
        ? Capacity
        : throw new ArgumentOutOfRangeException(nameof(Capacity), $"Capacity is between 1 and {MaxCapacity}.");

    public string? Zone { get; init; } = string.IsNullOrWhiteSpace(Zone) ? null : Zone;
}
