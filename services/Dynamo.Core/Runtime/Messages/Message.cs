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
/// Delivered by a host in place of a response when a request could not reach its target (connection
/// refused, deadline exceeded): faster than waiting for the operation's own deadline.
/// </summary>
public sealed record DeliveryFailed(long RequestId) : Message, IResponse;
