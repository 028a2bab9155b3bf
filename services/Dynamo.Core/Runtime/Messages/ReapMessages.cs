using Dynamo.Core.Versioning;

namespace Dynamo.Core.Runtime;

/// <summary>
/// Tombstone collection, phase 1 and 2: may these tombstones go? Each node answers per item whether it
/// holds nothing for the key that the tombstone does not already cover (data or hints).
/// </summary>
public sealed record ReapCheck(long RequestId, IReadOnlyList<ReplicaItem> Items) : Message, IRequest;

public sealed record ReapCheckReply(long RequestId, bool[] Ok) : Message, IResponse;

/// <summary>
/// Delete these keys if, and only if, the stored object is exactly this tombstone; drop hints it covers.
/// Acknowledged with <see cref="ReplicaWriteAck"/>.
/// </summary>
public sealed record Reap(long RequestId, IReadOnlyList<ReplicaItem> Items) : Message, IRequest;
