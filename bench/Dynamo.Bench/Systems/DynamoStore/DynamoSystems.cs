using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Dynamo.Bench.Abstractions;
using Dynamo.Client;

namespace Dynamo.Bench.Systems.DynamoStore;

/// <summary>
/// What dynamo_router and dynamo_client share: a <see cref="DynamoCluster"/> of their own (same
/// configuration for both), fault injection and process ids for the hooks, and the causal
/// contexts the clients write with.
/// <para>
/// Contexts: a Dynamo put without a context is concurrent with every stored version, so blind
/// overwrites of a key would pile up siblings (DESIGN §3) where etcd or redis simply overwrite.
/// An application overwrites by sending the context of what it last read or wrote. The clients
/// of one system therefore share a <see cref="ContextCache"/>: every get and put stores the
/// context it got back for the key, every put sends the latest one known for its key (none for
/// a key never seen). Siblings then only come from truly concurrent writes to a key and are
/// resolved by the next write after a read; <c>client_stats</c> in the JSON counts them.
/// </para>
/// </summary>
public abstract class DynamoSystemBase(SystemContext context) : IBenchSystem, INodeFaultInjection, INodeProcesses, IServerProcesses, IReportsStats
{
    private DynamoCluster? _cluster;

    public abstract string Name { get; }

    public abstract string Description { get; }

    public IReadOnlyList<string> NodeNames => Cluster.NodeNames;

    public IReadOnlyList<int> NodeProcessIds => Cluster.NodeProcessIds;

    public IReadOnlyList<int> ServerProcessIds => Cluster.ServerProcessIds;

    /// <summary>Data directories of the nodes (RocksDB), in node order.</summary>
    public IReadOnlyList<string> NodeDataDirectories => Cluster.NodeDataDirectories;

    internal DynamoCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster has not started");

    internal ContextCache Contexts { get; } = new();

    internal ClientCounters Counters { get; } = new();

    protected SystemContext Context { get; } = context;

    protected abstract bool WithRouter { get; }

    public virtual async Task StartAsync(CancellationToken ct) =>
        _cluster = await DynamoCluster.StartAsync(Context, Name, WithRouter, ct);

    public abstract Task<IKeyValueClient> ConnectAsync(CancellationToken ct);

    public Task KillNodeAsync(int index, CancellationToken ct)
    {
        Cluster.KillNode(index);
        return Task.CompletedTask;
    }

    public Task RestartNodeAsync(int index, CancellationToken ct)
    {
        Cluster.RestartNode(index);
        return Task.CompletedTask;
    }

    /// <summary>True once a restarted node answers its health check and the bench's view sees it reachable.</summary>
    public Task<bool> NodeBackAsync(int index, CancellationToken ct) => Cluster.NodeBackAsync(index, ct);

    public JsonObject Stats() => Counters.ToJson(Contexts.Count);

    public virtual async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        Contexts.Clear();
        GC.SuppressFinalize(this);
    }
}

/// <summary>dynamo_router: the public HTTP API of the router (DESIGN §6), through <see cref="DynamoHttpClient"/>.</summary>
public sealed class DynamoRouterSystem(SystemContext context) : DynamoSystemBase(context)
{
    private HttpClient? _http;
    private DynamoHttpClient? _api;

    public override string Name => "dynamo_router";

    public override string Description => Cluster.Describe("HTTP/1.1 to the router (PUT/GET /kv/bench/{key}, Dynamo.Client DynamoHttpClient over one shared HttpClient, a connection per client)");

    protected override bool WithRouter => true;

    public override async Task StartAsync(CancellationToken ct)
    {
        await base.StartAsync(ct);
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        })
        {
            BaseAddress = Cluster.RouterUrl,
            Timeout = TimeSpan.FromSeconds(10),
        };
        _api = new DynamoHttpClient(_http);
    }

    public override Task<IKeyValueClient> ConnectAsync(CancellationToken ct) =>
        Task.FromResult<IKeyValueClient>(new DynamoKvClient(_api ?? throw new InvalidOperationException("not started"), Contexts, Counters));

    public override async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>
/// dynamo_client: the partition-aware client (paper §4.5), gRPC straight to the first reachable
/// primary of each key, which coordinates. One <see cref="PartitionAwareClient"/> for all clients
/// (it holds one HTTP/2 channel per node), as an application would share it.
/// </summary>
public sealed class DynamoClientSystem(SystemContext context) : DynamoSystemBase(context)
{
    private PartitionAwareClient? _client;

    public override string Name => "dynamo_client";

    public override string Description => Cluster.Describe("Dynamo.Client PartitionAwareClient (gRPC to the coordinator, one shared instance)");

    protected override bool WithRouter => false;

    public override async Task StartAsync(CancellationToken ct)
    {
        await base.StartAsync(ct);
        Context.Status("connecting the partition-aware client");
        _client = await PartitionAwareClient.ConnectAsync(Cluster.ClientOptions("bench-client-" + Guid.NewGuid().ToString("N")[..6]), TimeSpan.FromSeconds(30), ct);
        await SystemContext.WaitUntilReadyAsync("the client's view of 3 reachable nodes", _ => Task.FromResult(DynamoCluster.RingReady(_client)), [], TimeSpan.FromSeconds(60), ct);
        await _client.PutTableAsync(DynamoCluster.Table, DynamoCluster.N, DynamoCluster.R, DynamoCluster.W, ct);
    }

    public override Task<IKeyValueClient> ConnectAsync(CancellationToken ct) =>
        Task.FromResult<IKeyValueClient>(new DynamoKvClient(_client ?? throw new InvalidOperationException("not started"), Contexts, Counters));

    public override async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>One load client over either client library (both implement <see cref="IDynamoClient"/>).</summary>
internal sealed class DynamoKvClient(IDynamoClient client, ContextCache contexts, ClientCounters counters) : IKeyValueClient
{
    public async ValueTask PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken ct)
    {
        var context = contexts.Get(key);
        if (context is null)
        {
            Interlocked.Increment(ref counters.BlindPuts);
        }

        var next = await client.PutAsync(DynamoCluster.Table, key, value, contentType: null, context: context, cancellation: ct);
        if (context is not null && next == context)
        {
            // The coordinator had versions of the key this context had not seen (a concurrent write):
            // the new version is their sibling and the context stays what it was.
            Interlocked.Increment(ref counters.ConcurrentPuts);
        }

        contexts.Set(key, next);
    }

    public async ValueTask<bool> GetAsync(string key, CancellationToken ct)
    {
        var read = await client.GetAsync(DynamoCluster.Table, key, cancellation: ct);
        if (read.Siblings.Count > 1)
        {
            Interlocked.Increment(ref counters.ReadsWithSiblings);
            Interlocked.Add(ref counters.SiblingsRead, read.Siblings.Count);
            counters.ObserveSiblings(read.Siblings.Count);
        }

        if (!string.IsNullOrEmpty(read.Context))
        {
            contexts.Set(key, read.Context);
        }

        return read.Found;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>The latest causal context seen for each key, shared by the clients of one system.</summary>
internal sealed class ContextCache
{
    private readonly ConcurrentDictionary<string, string> _contexts = new(StringComparer.Ordinal);

    public int Count => _contexts.Count;

    public string? Get(string key) => _contexts.TryGetValue(key, out var c) ? c : null;

    public void Set(string key, string? context)
    {
        if (!string.IsNullOrEmpty(context))
        {
            _contexts[key] = context;
        }
    }

    public void Clear() => _contexts.Clear();
}

/// <summary>What the clients of one system counted, since it started (preload included).</summary>
internal sealed class ClientCounters
{
    public long BlindPuts;
    public long ReadsWithSiblings;
    public long SiblingsRead;
    public long ConcurrentPuts;
    private long _maxSiblings;

    public void ObserveSiblings(int count)
    {
        long seen;
        while (count > (seen = Interlocked.Read(ref _maxSiblings)) && Interlocked.CompareExchange(ref _maxSiblings, count, seen) != seen)
        {
        }
    }

    public JsonObject ToJson(int contexts) => new()
    {
        ["puts_without_context"] = Interlocked.Read(ref BlindPuts),
        ["reads_with_siblings"] = Interlocked.Read(ref ReadsWithSiblings),
        ["siblings_in_those_reads"] = Interlocked.Read(ref SiblingsRead),
        ["max_siblings_read"] = Interlocked.Read(ref _maxSiblings),
        ["puts_concurrent_with_another_write"] = Interlocked.Read(ref ConcurrentPuts),
        ["keys_with_context"] = contexts,
        ["note"] = "counted since start, preload included; puts send the latest context seen for their key",
    };
}
