using System.Globalization;
using System.Net;
using Dynamo.Bench.Abstractions;
using Dynamo.Bench.Infrastructure;
using Dynamo.Client;

namespace Dynamo.Bench.Systems.DynamoStore;

/// <summary>
/// One Dynamo cluster as the bench runs it: the seed (services/Dynamo.Seed, without Redis: it then
/// keeps the membership record in memory only, which the data path never touches), three storage
/// nodes (services/Dynamo.StorageNode, RocksDB engine, default group-commit fsync, Q = 256, each
/// with its own data directory under the run's root) and optionally the router
/// (services/Dynamo.Router), each a <c>dotnet X.dll</c> process of the Release build, on loopback
/// ports, configured through environment variables exactly as the AppHost configures them. A
/// table <see cref="Table"/> with N=3 R=2 W=2 is created before use.
/// <para>
/// <see cref="Control"/> is a <see cref="PartitionAwareClient"/> in the bench process: readiness
/// checks use it, and dynamo_client sends its load through it.
/// </para>
/// </summary>
internal sealed class DynamoCluster : IAsyncDisposable
{
    public const int NodeCount = 3;
    public const string Table = "bench";
    public const int N = 3;
    public const int R = 2;
    public const int W = 2;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly SystemContext _context;
    private readonly string _dir;
    private readonly string _secret = "bench-" + Guid.NewGuid().ToString("N");
    private readonly string _adminKey = "bench-admin-" + Guid.NewGuid().ToString("N");
    private readonly HttpClient _probe = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
    private readonly List<ManagedProcess> _nodes = [];
    private readonly string[] _nodeGrpc = new string[NodeCount];
    private readonly string[] _nodeHttp = new string[NodeCount];
    private ManagedProcess? _seed;
    private ManagedProcess? _router;
    private HttpClient? _routerApi;
    private string _seedGrpc = "";

    private DynamoCluster(SystemContext context, string dir)
    {
        _context = context;
        _dir = dir;
    }

    public PartitionAwareClient Control { get; private set; } = null!;

    /// <summary>The router's base URL ("http://127.0.0.1:P/"), when started with one.</summary>
    public Uri? RouterUrl { get; private set; }

    public DynamoBinaries Binaries { get; private set; } = null!;

    public IReadOnlyList<string> NodeNames => [.. Enumerable.Range(1, NodeCount).Select(i => "node" + i.ToString(CultureInfo.InvariantCulture))];

    public IReadOnlyList<int> NodeProcessIds => [.. _nodes.Select(p => p.Pid)];

    public IReadOnlyList<int> ServerProcessIds =>
        [.. _nodes.Select(p => p.Pid), .. new[] { _seed, _router }.Where(p => p is not null).Select(p => p!.Pid)];

    public IReadOnlyList<string> NodeDataDirectories => [.. NodeNames.Select(n => Path.Combine(_dir, n))];

    public string Describe(string access) =>
        DynamoBuild.Invariant($"{NodeCount} storage nodes (RocksDB, group-commit fsync, Q=256) + seed{(RouterUrl is null ? "" : " + router")}, table '{Table}' N={N} R={R} W={W}, {access}; Release build of {Binaries.SourceRoot}/services");

    public static async Task<DynamoCluster> StartAsync(SystemContext context, string name, bool withRouter, CancellationToken ct)
    {
        var binaries = await DynamoBuild.EnsureAsync(context, ct);
        var cluster = new DynamoCluster(context, context.Supervisor.CreateDirectory(name)) { Binaries = binaries };
        try
        {
            await cluster.StartProcessesAsync(withRouter, ct);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartProcessesAsync(bool withRouter, CancellationToken ct)
    {
        var b = Binaries;
        int seedHttp = PortAllocator.Next(), seedGrpc = PortAllocator.Next();
        _seedGrpc = Url(seedGrpc);
        _context.Status("starting the seed");
        _seed = _context.Supervisor.Start(Spec("seed", b.SeedDir, DynamoBinaries.SeedDll, Endpoints(seedHttp, seedGrpc)));
        await WaitHealthyAsync("seed", Url(seedHttp), [_seed], ct);

        for (var i = 0; i < NodeCount; i++)
        {
            int http = PortAllocator.Next(), grpc = PortAllocator.Next();
            _nodeHttp[i] = Url(http);
            _nodeGrpc[i] = Url(grpc);
            var id = NodeNames[i];
            var env = Endpoints(http, grpc);
            env["Dynamo__NodeId"] = id;
            env["Dynamo__StorageEngine"] = "rocksdb";
            env["Dynamo__DataDirectory"] = Path.Combine(_dir, id);
            env["Dynamo__AdvertisedAddress"] = _nodeGrpc[i];
            env["Dynamo__Seeds__0"] = "seed=" + _seedGrpc;
            _context.Status($"starting {id}");
            _nodes.Add(_context.Supervisor.Start(Spec(id, b.StorageNodeDir, DynamoBinaries.StorageNodeDll, env)));
        }

        for (var i = 0; i < NodeCount; i++)
        {
            await WaitHealthyAsync(NodeNames[i], _nodeHttp[i], [_seed, .. _nodes], ct);
        }

        _context.Status("waiting for a ring of 3 nodes");
        var options = ClientOptions("bench-control-" + Guid.NewGuid().ToString("N")[..6]);
        Control = new PartitionAwareClient(options);
        await SystemContext.WaitUntilReadyAsync("a ring of 3 reachable nodes", _ => Task.FromResult(RingReady(Control)), [_seed, .. _nodes], ReadyTimeout, ct);
        _context.Status($"creating table {Table} (N={N} R={R} W={W})");
        await SystemContext.WaitUntilReadyAsync(
            $"table {Table}",
            async t =>
            {
                var settings = await Control.PutTableAsync(Table, N, R, W, t);
                return settings.N == N && settings.R == R && settings.W == W;
            },
            [_seed, .. _nodes],
            ReadyTimeout,
            ct);

        if (withRouter)
        {
            var http = PortAllocator.Next();
            var env = new Dictionary<string, string>(CommonEnvironment())
            {
                ["Kestrel__Endpoints__http__Url"] = Url(http),
                ["Kestrel__Endpoints__http__Protocols"] = "Http1",
                ["Dynamo__NodeId"] = "router-bench",
                ["Dynamo__Seeds__0"] = "seed=" + _seedGrpc,
                ["Dynamo__Seeds__1"] = "node1=" + _nodeGrpc[0],
            };
            _context.Status("starting the router");
            _router = _context.Supervisor.Start(Spec("router", b.RouterDir, DynamoBinaries.RouterDll, env));
            RouterUrl = new Uri(Url(http) + "/");
            await WaitHealthyAsync("router", Url(http), [_seed, _router, .. _nodes], ct);
            _routerApi = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = RouterUrl, Timeout = TimeSpan.FromSeconds(5) };
            var api = new DynamoHttpClient(_routerApi);
            _context.Status("waiting for the router to see the ring");
            await SystemContext.WaitUntilReadyAsync("the router's view of 3 reachable nodes", t => RouterReadyAsync(api, t), [_seed, _router, .. _nodes], ReadyTimeout, ct);

            // The table through the public API too (PUT /tables/{table}), as an application would.
            await SystemContext.WaitUntilReadyAsync(
                $"table {Table} through the router",
                async t =>
                {
                    var info = await api.PutTableAsync(Table, N, R, W, t);
                    return info.N == N && info.R == R && info.W == W;
                },
                [_seed, _router, .. _nodes],
                ReadyTimeout,
                ct);
        }
    }

    /// <summary>Options for a partition-aware client of this cluster (the bench's dynamo_client, and the control client).</summary>
    public PartitionAwareClientOptions ClientOptions(string id) => new()
    {
        NodeId = id,
        ClusterSecret = _secret,
        Seeds = ["seed=" + _seedGrpc, "node1=" + _nodeGrpc[0]],
    };

    /// <summary>Every node in the ring, joined, and reachable as <paramref name="client"/> sees it.</summary>
    public static bool RingReady(PartitionAwareClient client)
    {
        var state = client.View.State;
        if (state.Ring is not { } ring || ring.Members.Count != NodeCount)
        {
            return false;
        }

        foreach (var m in ring.Members)
        {
            // "Joining" is also the status of a member in the ring; Leaving/Left would mean it is going away.
            if (!client.View.IsAvailable(m.Id) || state.Member(m.Id)?.Status != Core.Membership.MemberStatus.Joining)
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<bool> RouterReadyAsync(DynamoHttpClient api, CancellationToken ct)
    {
        using var doc = await api.GetClusterAsync(ct);
        var nodes = doc.RootElement.GetProperty("nodes").EnumerateArray()
            .Where(n => n.GetProperty("status").GetString() == "up" && n.GetProperty("available").GetBoolean())
            .Count();
        return nodes == NodeCount;
    }

    /// <summary>SIGKILL of storage node <paramref name="index"/> (a crash: no graceful stop, RocksDB recovers from its WAL on restart).</summary>
    public void KillNode(int index) => _nodes[index].Kill(TimeSpan.FromSeconds(5));

    /// <summary>Starts the node again: same ports, same data directory, same node id.</summary>
    public void RestartNode(int index) => _nodes[index].Restart();

    /// <summary>True when the node answers /health and the control client sees it reachable again.</summary>
    public async Task<bool> NodeBackAsync(int index, CancellationToken ct)
    {
        try
        {
            using var response = await _probe.GetAsync(_nodeHttp[index] + "/health", ct);
            return response.StatusCode == HttpStatusCode.OK && Control.View.IsAvailable(new Core.NodeId(NodeNames[index]));
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task WaitHealthyAsync(string what, string baseUrl, IReadOnlyList<ManagedProcess> watched, CancellationToken ct) =>
        await SystemContext.WaitUntilReadyAsync(
            what,
            async t =>
            {
                using var response = await _probe.GetAsync(baseUrl + "/health", t);
                return response.StatusCode == HttpStatusCode.OK;
            },
            watched,
            ReadyTimeout,
            ct);

    private ProcessSpec Spec(string name, string binDir, string dll, Dictionary<string, string> env)
    {
        foreach (var (key, value) in _context.Options?.DynamoEnvironment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        return new(name, Binaries.Dotnet, [Path.Combine(binDir, dll)], binDir, Path.Combine(_dir, name + ".log"))
        {
            Environment = env,
        };
    }

    private Dictionary<string, string> Endpoints(int http, int grpc) => new(CommonEnvironment())
    {
        ["Kestrel__Endpoints__http__Url"] = Url(http),
        ["Kestrel__Endpoints__http__Protocols"] = "Http1",
        ["Kestrel__Endpoints__grpc__Url"] = Url(grpc),
        ["Kestrel__Endpoints__grpc__Protocols"] = "Http2",
    };

    private Dictionary<string, string> CommonEnvironment() => new(ServerTuning.Environment)
    {
        ["Dynamo__ClusterSecret"] = _secret,
        ["Dynamo__AdminKey"] = _adminKey,
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_ENVIRONMENT"] = "Production",

        // Nothing collects telemetry here: with no OTLP endpoint the services record no spans, as when
        // deployed without a collector.
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    private static string Url(int port) => DynamoBuild.Invariant($"http://127.0.0.1:{port}");

    public async ValueTask DisposeAsync()
    {
        Control?.Dispose();
        _probe.Dispose();
        _routerApi?.Dispose();
        ProcessSupervisor.Kill([.. _nodes, .. new[] { _seed, _router }.Where(p => p is not null).Select(p => p!)]);
        _nodes.Clear();
        await Task.Yield();
        try
        {
            Directory.Delete(_dir, recursive: true); // RocksDB data can be large (1M keys): free it now, not at exit
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
