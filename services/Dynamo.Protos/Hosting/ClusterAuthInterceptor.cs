using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Dynamo.Protos.Hosting;

/// <summary>Refuses every gRPC call without the cluster credential, and every call while the process is cut off by fault injection.</summary>
public sealed class ClusterAuthInterceptor(ClusterCredentials credentials, FaultState faults) : Interceptor
{
    /// <summary>Trailer marking a call refused before any handler ran: retrying it elsewhere cannot apply it twice.</summary>
    public const string RefusedTrailer = "dynamo-refused";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        if (!credentials.Verify(context.RequestHeaders.GetValue(ClusterCredentials.TokenHeader)))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "A valid cluster credential (dynamo-cluster-token) is required."));
        }

        if (faults.Isolated)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "This process is cut off from the cluster (fault injection)."), new Metadata { { RefusedTrailer, "isolated" } });
        }
    }

    /// <summary>The caller's node id from the call metadata.</summary>
    public static Dynamo.Core.NodeId Caller(ServerCallContext context) =>
        ProtoMapper.Node(context.RequestHeaders.GetValue(ClusterCredentials.NodeHeader) ?? "");
}

/// <summary>Fault injection shared by a process's gRPC server and client sides.</summary>
public sealed class FaultState
{
    private volatile bool _isolated;

    /// <summary>Cut off from the cluster: every inbound call is refused and every outbound call fails.</summary>
    public bool Isolated
    {
        get => _isolated;
        set => _isolated = value;
    }
}
