using Dynamo.Chaos.Cluster;
using Dynamo.Testing;

namespace Dynamo.Chaos.Fuzzing;

/// <summary>
/// Sends the fuzz budget at the router, the nodes and the seed at once (HTTP, raw sockets, slowloris,
/// gRPC), watching the resident memory of every process while it runs.
/// </summary>
public sealed class Fuzzer(ClusterApp cluster, ProcessWatch watch, ChaosLog log, IChaosObserver observer)
{
    public const string Phase = "fuzz";

    /// <summary>Memory may grow under hostile load, but not without bound: at most twice, plus 200 MB.</summary>
    public static long Bound(long before) => (2 * before) + (200L << 20);

    public sealed record Memory(string Process, long Before, long Peak, long After)
    {
        public bool Bounded => Peak <= Bound(Before) && After <= Bound(Before);
    }

    public sealed record Result(FuzzStats Stats, IReadOnlyList<Memory> Memory, TimeSpan Took)
    {
        public bool MemoryBounded => Memory.All(m => m.Bounded);
    }

    public async Task<Result> RunAsync(int total, int seed, IReadOnlyList<string> nodes)
    {
        var started = log.Clock.Elapsed;
        var targets = await FuzzTargets.ResolveAsync(cluster, nodes);
        log.Write("FUZZ", $"targets: {targets.Router.Url}, {string.Join(", ", targets.Nodes.Select(n => n.Url))}, seed {targets.Seed.Url}; gRPC {string.Join(", ", targets.GrpcEndpoints.Select(g => g.Url))}");
        var contexts = await RealContextsAsync();
        string[] processes = [.. nodes, "router", "seed", "cache"];
        var before = processes.ToDictionary(p => p, p => watch.RssBytes(p) ?? 0);
        var peak = new Dictionary<string, long>(before);
        var stats = new FuzzStats();

        var slow = new List<(FuzzTargets.Http, Slowloris.Mode)>();
        for (int i = 0; i < 3; i++)
        {
            slow.Add((targets.Router, Slowloris.Mode.SlowHeaders));
            slow.Add((targets.Router, Slowloris.Mode.SlowBody));
        }

        slow.AddRange(targets.Nodes.Select(n => (n, Slowloris.Mode.SlowHeaders)));
        slow.Add((targets.Seed, Slowloris.Mode.SlowHeaders));

        int budget = Math.Max(0, total - slow.Count);
        int routerHttp = budget * 40 / 100;
        int nodeHttp = budget * 10 / 100;
        int seedHttp = budget * 5 / 100;
        int raw = budget * 15 / 100;
        int grpc = budget - routerHttp - nodeHttp - seedHttp - raw;
        log.Write("FUZZ", $"{total} requests: {routerHttp} HTTP to the router, {nodeHttp} to nodes, {seedHttp} to the seed, {raw} raw-socket, {grpc} gRPC, {slow.Count} slowloris");

        var http = new HttpFuzzer(stats, contexts);
        var rawTargets = new List<RawHttpFuzzer.Target> { new(targets.Router.Name, targets.Router.Url, false), new(targets.Seed.Name, targets.Seed.Url, false) };
        rawTargets.AddRange(targets.Nodes.Select(n => new RawHttpFuzzer.Target(n.Name, n.Url, false)));
        rawTargets.AddRange(targets.GrpcEndpoints.Select(g => new RawHttpFuzzer.Target(g.Name + " grpc", g.Url, true)));

        observer.BeginPhase(Phase, total);
        var work = new List<Task>
        {
            http.RunAsync(targets.Router, HttpFuzzer.Kind.Router, routerHttp, seed, 4),
            http.RunAsync(targets.Seed, HttpFuzzer.Kind.Seed, seedHttp, seed + 1, 1),
            new RawHttpFuzzer(stats).RunAsync(rawTargets, raw, seed, 3),
            new GrpcFuzzer(stats).RunAsync(targets.GrpcEndpoints, grpc, seed, 3),
            new Slowloris(stats).RunAsync(slow),
        };
        work.AddRange(targets.Nodes.Select((n, i) => http.RunAsync(n, HttpFuzzer.Kind.Node, Share(nodeHttp, targets.Nodes.Count, i), seed + 2 + i, 1)));
        var all = Task.WhenAll(work);
        while (!all.IsCompleted)
        {
            // Sampling memory and progress while the fuzzers run; the loop ends with them.
            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(1)));
            foreach (var p in processes)
            {
                peak[p] = Math.Max(peak[p], watch.RssBytes(p) ?? 0);
            }

            observer.Report(Phase, stats.Total, $"{stats.Total} sent, {stats.ServerErrors} 5xx, {stats.Findings} findings");
        }

        await all;
        var memory = processes.Select(p => new Memory(p, before[p], peak[p], watch.RssBytes(p) ?? 0)).ToList();
        var took = log.Clock.Elapsed - started;
        observer.EndPhase(Phase, $"{stats.Total} requests, {stats.ServerErrors} 5xx in {took.TotalSeconds:0}s");
        log.Write("FUZZ", $"{stats.Total} requests in {took.TotalSeconds:0}s: {stats.ServerErrors} 5xx, {stats.Findings} other findings");
        foreach (var m in memory)
        {
            log.Write("MEMORY", $"{m.Process}: {m.Before >> 20} MB before, peak {m.Peak >> 20} MB, {m.After >> 20} MB after (bound {Bound(m.Before) >> 20} MB){(m.Bounded ? "" : " EXCEEDED")}");
        }

        return new Result(stats, memory, took);
    }

    /// <summary>The i-th of n near-equal shares of a count, the remainder going to the first ones.</summary>
    private static int Share(int count, int n, int i) => (count / n) + (i < count % n ? 1 : 0);

    /// <summary>Contexts the cluster really issued, for forged / truncated / wrong-key variants.</summary>
    private async Task<List<string>> RealContextsAsync()
    {
        var contexts = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            try
            {
                contexts.Add(await cluster.Client.PutAsync("default", $"fz-ctx-{i}", "v"u8.ToArray(), "text/plain"));
            }
            catch (Exception ex) when (ex is Dynamo.Client.DynamoException or HttpRequestException or TaskCanceledException)
            {
                log.Write("FUZZ", $"could not get a real context: {ex.Message}");
            }
        }

        return contexts;
    }
}
