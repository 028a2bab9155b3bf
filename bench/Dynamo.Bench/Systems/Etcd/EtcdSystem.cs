using System.Globalization;
using Dynamo.Bench.Abstractions;
using Dynamo.Bench.Infrastructure;
using Dynamo.Bench.Systems.Etcd.Protocol;
using Google.Protobuf;
using Grpc.Net.Client;

namespace Dynamo.Bench.Systems.Etcd;

/// <summary>
/// A 3-member etcd cluster on loopback (Debian package etcd-server, installed with apt-get
/// when missing and root), each member in its own data directory under the run's temp root,
/// default durability (fsync per raft batch). Driven through etcd's gRPC KV API with the
/// defaults: puts go through raft, ranges are linearizable (serializable=false).
/// One <see cref="GrpcChannel"/> per member; client i uses member i mod 3, so followers
/// forward puts to the leader as a real spread client load would.
/// </summary>
public sealed class EtcdSystem(SystemContext context) : IBenchSystem, INodeFaultInjection, INodeProcesses
{
    private const int Members = 3;
    private readonly List<ManagedProcess> _processes = [];
    private readonly List<GrpcChannel> _channels = [];
    private int _nextClient;
    private string _version = "etcd";

    public string Name => SystemCatalog.Etcd;

    public string Description => $"{_version}, {Members} members on loopback, linearizable Range/Put over gRPC, clients spread over members";

    public IReadOnlyList<string> NodeNames => [.. Enumerable.Range(0, Members).Select(i => $"etcd-m{i}")];

    public IReadOnlyList<int> NodeProcessIds => [.. _processes.Select(p => p.Pid)];

    public async Task StartAsync(CancellationToken ct)
    {
        var etcd = await PackageInstaller.EnsureAsync("etcd", "etcd-server", context.Status, ct);
        _version = await ReadVersionAsync(etcd, ct);
        var root = context.Supervisor.CreateDirectory("etcd");
        var clientPorts = new int[Members];
        var peerPorts = new int[Members];
        for (var i = 0; i < Members; i++)
        {
            clientPorts[i] = PortAllocator.Next();
            peerPorts[i] = PortAllocator.Next();
        }

        var cluster = string.Join(',', Enumerable.Range(0, Members).Select(i => Invariant($"m{i}=http://127.0.0.1:{peerPorts[i]}")));
        var token = "bench-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < Members; i++)
        {
            context.Status($"starting member {i + 1} of {Members}");
            var clientUrl = Invariant($"http://127.0.0.1:{clientPorts[i]}");
            var peerUrl = Invariant($"http://127.0.0.1:{peerPorts[i]}");
            var spec = new ProcessSpec(
                $"etcd-m{i}",
                etcd,
                [
                    "--name", $"m{i}",
                    "--data-dir", Path.Combine(root, $"m{i}.etcd"),
                    "--listen-client-urls", clientUrl,
                    "--advertise-client-urls", clientUrl,
                    "--listen-peer-urls", peerUrl,
                    "--initial-advertise-peer-urls", peerUrl,
                    "--initial-cluster", cluster,
                    "--initial-cluster-state", "new",
                    "--initial-cluster-token", token,
                    "--logger", "zap",
                    "--log-outputs", "stderr",
                    "--log-level", "warn",
                ],
                root,
                Path.Combine(root, $"m{i}.log"));
            _processes.Add(context.Supervisor.Start(spec));
            _channels.Add(GrpcChannels.Create(clientUrl));
        }

        context.Status("waiting for a leader");
        var probeKey = ByteString.CopyFromUtf8("bench:probe");
        for (var i = 0; i < Members; i++)
        {
            var kv = new KV.KVClient(_channels[i]);
            await SystemContext.WaitUntilReadyAsync(
                $"etcd member m{i}",
                async t =>
                {
                    await kv.RangeAsync(new RangeRequest { Key = probeKey }, cancellationToken: t);
                    return true;
                },
                _processes,
                TimeSpan.FromSeconds(30),
                ct);
        }
    }

    public Task<IKeyValueClient> ConnectAsync(CancellationToken ct)
    {
        var member = Interlocked.Increment(ref _nextClient) % Members;
        return Task.FromResult<IKeyValueClient>(new EtcdClient(new KV.KVClient(_channels[member])));
    }

    public Task KillNodeAsync(int index, CancellationToken ct)
    {
        _processes[index].Kill(TimeSpan.FromSeconds(5));
        return Task.CompletedTask;
    }

    public Task RestartNodeAsync(int index, CancellationToken ct)
    {
        _processes[index].Restart(); // same data dir: etcd rejoins from its WAL
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

    private static async Task<string> ReadVersionAsync(string etcd, CancellationToken ct)
    {
        try
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(etcd, "--version")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            });
            if (p is null)
            {
                return "etcd";
            }

            var text = await p.StandardOutput.ReadToEndAsync(ct);
            await p.WaitForExitAsync(ct);
            var first = text.Split('\n')[0].Trim(); // "etcd Version: 3.4.23"
            return first.Replace("Version: ", "", StringComparison.Ordinal);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "etcd";
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed class EtcdClient(KV.KVClient kv) : IKeyValueClient
    {
        public async ValueTask PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken ct)
        {
            // The value buffer is owned by the worker and never changes, so wrapping it without a copy is safe.
            await kv.PutAsync(
                new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = UnsafeByteOperations.UnsafeWrap(value) },
                cancellationToken: ct);
        }

        public async ValueTask<bool> GetAsync(string key, CancellationToken ct)
        {
            var response = await kv.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(key) }, cancellationToken: ct);
            return response.Kvs.Count > 0;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
