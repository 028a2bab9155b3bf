using Dynamo.Core.Membership;
using Dynamo.Core.Versioning;

namespace Dynamo.Core.Runtime;

/// <summary>
/// A client write (put, or delete when <see cref="Value"/> is a tombstone) sent to any node; a node
/// that is not a healthy primary for the key forwards it (§4.1, "any storage node can receive client
/// get and put operations"). <see cref="Settings"/> lets a caller that knows the table's settings
/// spread them along with the request.
/// </summary>
public sealed record ClientWrite(
    long RequestId,
    string Table,
    string Key,
    Sibling Value,
    string? Context,
    int? W = null,
    bool Forwarded = false,
    TableSettings? Settings = null) : Message, IRequest;

public sealed record ClientRead(
    long RequestId,
    string Table,
    string Key,
    int? R = null,
    bool Forwarded = false,
    TableSettings? Settings = null) : Message, IRequest;

public enum ClientStatus
{
    Ok,

    /// <summary>No live value: never written, or deleted (the context then covers the tombstone).</summary>
    NotFound,

    /// <summary>Bad context, bad r/w, bad value: a 400.</summary>
    BadRequest,

    /// <summary>The table is not known to the cluster: a 404.</summary>
    UnknownTable,

    /// <summary>R or W replicas did not answer in time, or there is no ring yet: a 503.</summary>
    Unavailable,
}

/// <summary>
/// The answer to a client request: for a read, the live siblings and one context covering all of them
/// (and any tombstones); for a write, the context of the new version. <see cref="Replied"/> of
/// <see cref="Required"/> replicas answered.
/// </summary>
public sealed record ClientReply(
    long RequestId,
    ClientStatus Status,
    string? Context = null,
    IReadOnlyList<Sibling>? Siblings = null,
    string? Error = null,
    int Replied = 0,
    int Required = 0) : Message, IResponse
{
    public IReadOnlyList<Sibling> Values => Siblings ?? [];
}
