using Dynamo.Core.Versioning;

namespace Dynamo.Core.Runtime;

/// <summary>
/// A coordinator's write of a new version to one replica. With <see cref="HintFor"/> set, the receiver
/// is a fallback standing in for that node and keeps the version as a hint (§4.6).
/// </summary>
public sealed record ReplicaWrite(long RequestId, string Table, string Key, DottedVersionVectorSet Set, NodeId? HintFor = null)
    : Message, IRequest;

/// <summary>Acknowledges a write once it is in the replica's write-ahead log (the host enforces the fsync policy).</summary>
public sealed record ReplicaWriteAck(long RequestId, bool Ok) : Message, IResponse;

public sealed record ReplicaRead(long RequestId, string Table, string Key) : Message, IRequest;

/// <summary>A replica's state for a key (its own copy merged with any hints it holds), or null.</summary>
public sealed record ReplicaReadReply(long RequestId, DottedVersionVectorSet? Set) : Message, IResponse;

public readonly record struct ReplicaItem(string Table, string Key, DottedVersionVectorSet Set);

public enum SyncPurpose
{
    HintDelivery,
    Handoff,
    AntiEntropy,
    ReadRepair,
}

/// <summary>Several versions to merge at once: delivered hints, handed-off partitions, anti-entropy repairs.</summary>
public sealed record ReplicaSync(long RequestId, IReadOnlyList<ReplicaItem> Items, SyncPurpose Purpose) : Message, IRequest;
