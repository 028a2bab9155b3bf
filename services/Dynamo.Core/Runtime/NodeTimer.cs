namespace Dynamo.Core.Runtime;

/// <summary>A timer event. Timers are never cancelled: a handler ignores one that no longer applies.</summary>
public abstract record NodeTimer;

/// <summary>A periodic duty of the node (gossip, heartbeat, hint delivery, handoff, anti-entropy, reaping).</summary>
public sealed record TickTimer(Duty Duty) : NodeTimer;

/// <summary>A deadline of one in-flight operation.</summary>
public sealed record OperationTimer(long OperationId, OperationDeadline Kind) : NodeTimer;

public enum Duty
{
    Gossip,
    Heartbeat,
    HintDelivery,
    Handoff,
    AntiEntropy,
    Reap,
}

public enum OperationDeadline
{
    /// <summary>Replicas that have not answered by now are replaced by fallbacks (sloppy quorum).</summary>
    Replica,

    /// <summary>The client gets an answer by now: success, or quorum not met.</summary>
    Request,

    /// <summary>Stop waiting for the last replies of a read (read repair uses what arrived).</summary>
    Linger,

    /// <summary>A background exchange (hints, handoff, anti-entropy, reaping) is abandoned.</summary>
    Background,
}
