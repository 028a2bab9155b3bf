using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;

namespace Dynamo.Protos.Hosting;

/// <summary>One long-lived HTTP/2 channel per peer address, shared by every call to that peer.</summary>
public sealed class PeerChannels : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<(GrpcChannel Channel, CallInvoker Invoker)>> _channels = new(StringComparer.Ordinal);

    public CallInvoker For(string address) =>
        _channels.GetOrAdd(address, a => new Lazy<(GrpcChannel, CallInvoker)>(() =>
        {
            var channel = GrpcChannel.ForAddress(a, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler
                {
                    EnableMultipleHttp2Connections = true,
                    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                    KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                    KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                    ConnectTimeout = TimeSpan.FromSeconds(2),
                },
                MaxReceiveMessageSize = 128 << 20,
                MaxSendMessageSize = 128 << 20,
            });
            return (channel, channel.CreateCallInvoker());
        })).Value.Invoker;

    public void Dispose()
    {
        foreach (var lazy in _channels.Values)
        {
            if (lazy.IsValueCreated)
            {
                lazy.Value.Channel.Dispose();
            }
        }

        _channels.Clear();
    }
}
