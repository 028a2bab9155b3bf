namespace Dynamo.Core.Runtime;

/// <summary>
/// Everything the protocol logic needs from the world, injected so that the same state machines run in
/// the services (gRPC, real clock) and in the deterministic simulator (simulated network and clock).
/// Nothing in the protocol code reads a real clock, a shared random source or a thread (DESIGN §10).
/// </summary>
public interface INodeEnvironment
{
    /// <summary>This node's local clock in milliseconds. Monotonic on one node; may be skewed against others.</summary>
    long NowMs { get; }

    /// <summary>Seeded in simulation; the only source of randomness the protocol uses.</summary>
    Random Random { get; }

    /// <summary>Sends a message; delivery is not guaranteed. A response is just another message.</summary>
    void Send(NodeId to, Message message);

    /// <summary>Delivers <paramref name="timer"/> back to the node after <paramref name="delayMs"/>.</summary>
    void SetTimer(long delayMs, NodeTimer timer);
}
