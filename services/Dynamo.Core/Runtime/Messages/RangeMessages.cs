using Dynamo.Core.Membership;
using Dynamo.Core.Versioning;

namespace Dynamo.Core.Runtime;

/// <summary>
/// An ordered read of one partition of a table (the DynamoDB layer's Query and Scan): the keys whose
/// storage keys lie in [<see cref="From"/>, <see cref="To"/>) (null: the partition's bounds), in storage
/// order or reversed, at most <see cref="Limit"/>. Coordinated like a read: R replicas answer.
/// </summary>
public sealed record ClientRange(
    long RequestId,
    string Table,
    int Partition,
    byte[]? From,
    byte[]? To,
    bool Reverse,
    int Limit,
    int? R = null,
    bool Forwarded = false,
    TableSettings? Settings = null) : Message, IRequest;

/// <summary>One key of a range result: its live versions and the context covering them.</summary>
public sealed record RangeItem(string Key, IReadOnlyList<Sibling> Values, string Context);

/// <summary>
/// The items found, in order. When <see cref="HasMore"/>, more keys may follow <see cref="Next"/> (the
/// storage key to continue after, exclusive); keys whose versions are all tombstones are not listed.
/// </summary>
public sealed record ClientRangeReply(
    long RequestId,
    ClientStatus Status,
    IReadOnlyList<RangeItem> Items,
    bool HasMore,
    byte[]? Next,
    string? Error = null,
    int Replied = 0,
    int Required = 0) : Message, IResponse;

public sealed record ReplicaRange(long RequestId, string Table, int Partition, byte[]? From, byte[]? To, bool Reverse, int Limit) : Message, IRequest;

/// <summary>A replica's first <c>Limit</c> keys of the range (tombstones included); <see cref="Complete"/> when it had no more.</summary>
public sealed record ReplicaRangeReply(long RequestId, IReadOnlyList<ReplicaItem> Items, bool Complete) : Message, IResponse;
