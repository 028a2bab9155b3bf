using System.Net;
using Grpc.Net.Client;

namespace Dynamo.Bench.Systems;

/// <summary>Channel settings shared by the gRPC-based systems: plaintext HTTP/2 on loopback.</summary>
internal static class GrpcChannels
{
    public static GrpcChannel Create(string address) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                // More than 100 concurrent streams (the usual server limit) opens another connection
                // instead of queueing requests client-side.
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
                ConnectTimeout = TimeSpan.FromSeconds(5),
                AutomaticDecompression = DecompressionMethods.None,
                UseProxy = false,
            },
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
}
