using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Dynamo.Bench.Systems.GrpcFanout.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dynamo.Bench.Systems.GrpcFanout;

/// <summary>
/// The body of the hidden <c>serve-kv</c> subcommand: a bare ASP.NET Core gRPC server on
/// h2c loopback with a <see cref="ConcurrentDictionary{TKey,TValue}"/> behind it. It exits by
/// itself when the bench process that started it (<c>--parent-pid</c>) is gone, so a bench
/// killed with SIGKILL does not leave it behind.
/// </summary>
public static class KvServerHost
{
    public static async Task<int> RunAsync(int port, int parentPid, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddGrpc(o => o.EnableDetailedErrors = false);
        builder.Services.AddSingleton<KvStore>();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.Http2.MaxStreamsPerConnection = 1024;
            k.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2);
        });

        await using var app = builder.Build();
        app.MapGrpcService<KvService>();
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (parentPid > 0)
        {
            _ = WatchParentAsync(parentPid, lifetime);
        }

        try
        {
            await app.StartAsync(lifetime.Token);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"serve-kv listening on 127.0.0.1:{port}"));
            await app.WaitForShutdownAsync(lifetime.Token);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    private static async Task WatchParentAsync(int parentPid, CancellationTokenSource lifetime)
    {
        var path = $"/proc/{parentPid.ToString(CultureInfo.InvariantCulture)}";
        while (!lifetime.IsCancellationRequested)
        {
            await Task.Delay(1000, CancellationToken.None);
            if (!Directory.Exists(path))
            {
                await lifetime.CancelAsync();
            }
        }
    }

    internal sealed class KvStore
    {
        public ConcurrentDictionary<string, ByteString> Data { get; } = new(StringComparer.Ordinal);
    }

    internal sealed class KvService(KvStore store) : BenchKv.BenchKvBase
    {
        private static readonly PutReply Ack = new();
        private static readonly Task<PutReply> AckTask = Task.FromResult(Ack);

        public override Task<PutReply> Put(PutRequest request, ServerCallContext context)
        {
            store.Data[request.Key] = request.Value;
            return AckTask;
        }

        public override Task<GetReply> Get(GetRequest request, ServerCallContext context) =>
            Task.FromResult(store.Data.TryGetValue(request.Key, out var value)
                ? new GetReply { Found = true, Value = value }
                : new GetReply());
    }
}
