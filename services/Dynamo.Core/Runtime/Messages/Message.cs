namespace Dynamo.Core.Runtime;

/// <summary>
/// A protocol message. All are immutable. A request carries a <see cref="IRequest.RequestId"/> chosen by
/// its sender; the matching response echoes it. The simulator delivers both as packets; the gRPC host
/// maps each request/response pair onto one unary call.
/// </summary>
public abstract record Message;

public interface IRequest
{
    long RequestId { get; }
}

public interface IResponse
{
    long RequestId { get; }
}

/// <summary>
/// Delivered by a host in place of a response when a request failed (connection refused, broken,
/// deadline exceeded): faster than waiting for the operation's own deadline. When
/// <see cref="MayHaveArrived"/>, the target may have handled it before the failure (a broken
/// connection): doing the same work elsewhere could do it twice.
/// </summary>
public sealed record DeliveryFailed(long RequestId, bool MayHaveArrived = false) : Message, IResponse;
