using System.Globalization;
using Dynamo.Bench.Abstractions;
using Dynamo.Bench.Infrastructure;
using Dynamo.Bench.Systems.GrpcFanout.Protocol;
using Grpc.Net.Client;

namespace Dynamo.Bench.Systems.GrpcFanout;

/// <summary>
/// "What the naive architecture costs on this machine": three separate server processes (this
/// bench's own executable with the hidden <c>serve-kv</c> subcommand, each an in-memory KV over
/// h2c gRPC on loopback) and a client that sends every operation to all three and completes on
/// the second answer (<see cref="QuorumFanoutClient"/>). One channel per server, shared by all
/// clients.
/// </summary>
public sealed class GrpcFanoutSystem(SystemContext context) : IBenchSystem, INodeFaultInjection, INodeProcesses
{
    private const int Replicas = 3;
    private readonly List<ManagedProcess> _processes = [];
    private readonly List<GrpcChannel> _channels = [];
    private BenchKv.BenchKvClient[] _clients = [];

    public string Name => SystemCatalog.GrpcFanoutUnary;

    public string Description => $"{Replicas} .NET gRPC in-memory KV processes (h2c loopback), unary call to each, done at {QuorumFanoutClient.Quorum} of {Replicas}";

    public IReadOnlyList<string> NodeNames => [.. Enumerable.Range(0, Replicas).Select(i => $"serve-kv-{i}")];

    public IReadOnlyList<int> NodeProcessIds => [.. _processes.Select(p => p.Pid)];

    public async Task StartAsync(CancellationToken ct)
    {
        var dir = context.Supervisor.CreateDirectory("grpc_fanout");
        var (file, prefix) = SelfLauncher.Resolve();
        for (var i = 0; i < Replicas; i++)
        {
            context.Status($"starting server {i + 1} of {Replicas}");
            var port = PortAllocator.Next();
            var spec = new ProcessSpec(
                $"serve-kv-{i}",
                file,
                [.. prefix, "serve-kv", "--port", port.ToString(CultureInfo.InvariantCulture), "--parent-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)],
                dir,
                Path.Combine(dir, $"serve-kv-{i}.log"))
            {
                Environment = ServerTuning.Environment,
            };
            _processes.Add(context.Supervisor.Start(spec));
            _channels.Add(GrpcChannels.Create(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}")));
        }

        _clients = [.. _channels.Select(c => new BenchKv.BenchKvClient(c))];
        context.Status("waiting for the servers");
        for (var i = 0; i < Replicas; i++)
        {
            var client = _clients[i];
            await SystemContext.WaitUntilReadyAsync(
                $"serve-kv-{i}",
                async t =>
                {
                    await client.GetAsync(new GetRequest { Key = "bench:probe" }, cancellationToken: t);
                    return true;
                },
                _processes,
                TimeSpan.FromSeconds(30),
                ct);
        }
    }

    public Task<IKeyValueClient> ConnectAsync(CancellationToken ct) =>
        Task.FromResult<IKeyValueClient>(new QuorumFanoutClient(_clients));

    public Task KillNodeAsync(int index, CancellationToken ct)
    {
        _processes[index].Kill(TimeSpan.FromSeconds(5));
        return Task.CompletedTask;
    }

    public Task RestartNodeAsync(int index, CancellationToken ct)
    {
        _processes[index].Restart(); // comes back empty: the servers keep nothing on disk
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        _channels.Clear();
        ProcessSupervisor.Kill(_processes);
        _processes.Clear();
        return ValueTask.CompletedTask;
    }
}

/// <summary>How to start this very program again (apphost, or "dotnet Dynamo.Bench.dll").</summary>
internal static class SelfLauncher
{
    public static (string File, string[] Prefix) Resolve()
    {
        var processPath = Environment.ProcessPath ?? throw new SystemUnavailableException("cannot tell this program's own path");
        var name = Path.GetFileNameWithoutExtension(processPath);
        if (string.Equals(name, "dotnet", StringComparison.Ordinal))
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "Dynamo.Bench.dll");
            if (!File.Exists(dll))
            {
                throw new SystemUnavailableException($"cannot find {dll} to start the serve-kv processes");
            }

            return (processPath, [dll]);
        }

        return (processPath, []);
    }
}
