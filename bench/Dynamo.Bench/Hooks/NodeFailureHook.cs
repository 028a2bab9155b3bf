using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dynamo.Bench.Abstractions;
using Dynamo.Bench.Load;
using Dynamo.Bench.Systems;
using Dynamo.Bench.Systems.DynamoStore;
using HdrHistogram;

namespace Dynamo.Bench.Hooks;

/// <summary>
/// "node_failure": a fresh cluster of the failure system (--failure-system, default
/// dynamo_client), the same workload, clients and preload as the main run; one storage node
/// (node2) is SIGKILLed a third of the way into the measured window and restarted (same data
/// directory, ports and id) at two thirds. Reports the failed requests and p99/p99.9 before,
/// during (node down) and after (restart, hinted handoff) from per-second HdrHistograms, plus
/// the per-second series.
/// </summary>
public sealed class NodeFailureHook : IBenchHook
{
    private const int KilledNode = 1;

    public string ResultKey => "node_failure";

    public string Title => "node failure run";

    public async Task<JsonNode?> RunAsync(BenchHookContext context, CancellationToken ct)
    {
        var o = context.Options;
        var descriptor = DynamoHookSystems.Pick(context, o.FailureSystem);
        if (descriptor is null)
        {
            return null; // no dynamo system selected
        }

        if (o.DurationSeconds < 3)
        {
            return new JsonObject { ["error"] = "needs --duration of at least 3 s (kill at 1/3, restart at 2/3)" };
        }

        IBenchSystem? system = null;
        List<IKeyValueClient> clients = [];
        try
        {
            context.Status($"starting {descriptor.Name}");
            system = descriptor.Create(context.CreateSystemContext());
            var faults = system as INodeFaultInjection ?? throw new InvalidOperationException($"{descriptor.Name} cannot kill nodes");
            await system.StartAsync(ct);
            clients = await BenchRunner.ConnectClientsAsync(system, o.Clients, ct);
            var keys = new KeySpace(o.Keys, o.Distribution, o.ZipfianConstant);
            var workload = o.PrimaryWorkload;
            if (o.Preload && workload.HasGets)
            {
                await LoadRunner.PreloadAsync(clients, keys, o.ValueSize, done => context.Status(F($"preloading {done:N0}/{keys.Count:N0} keys")), ct);
            }

            var d = o.DurationSeconds;
            var killAt = d / 3;
            var restartAt = Math.Max(killAt + 1, 2 * d / 3);
            var node = faults.NodeNames[KilledNode];
            var windows = new[] { LatencyRecorder.NewTotal(), LatencyRecorder.NewTotal(), LatencyRecorder.NewTotal() };
            int Window(int second) => second <= killAt ? 0 : second <= restartAt ? 1 : 2;
            Task? kill = null, restart = null;
            var restartClock = new Stopwatch();
            var result = await LoadRunner.RunAsync(
                descriptor.Name + "+failure",
                clients,
                keys,
                workload,
                o.ToLoadSettings(),
                tick =>
                {
                    var m = tick.Second - o.WarmupSeconds;
                    var phase = tick.Warmup ? "warm-up" : m <= killAt ? "before" : m <= restartAt ? $"{node} down" : $"{node} restarted";
                    context.Status(F($"{phase} {Math.Max(0, m)}/{d} s · {tick.OpsPerSec:N0} ops/s · p99 {tick.P99Ms:0.0} ms · errors {tick.Errors}"));
                    if (!tick.Warmup && m == killAt && kill is null)
                    {
                        kill = Task.Run(() => faults.KillNodeAsync(KilledNode, ct), CancellationToken.None);
                    }
                    else if (!tick.Warmup && m == restartAt && restart is null)
                    {
                        restartClock.Start();
                        restart = Task.Run(() => faults.RestartNodeAsync(KilledNode, ct), CancellationToken.None);
                    }
                },
                ct,
                BenchRunner.ServerProcessIds(system),
                (second, interval) => windows[Window(second)].Add(interval));

            if (kill is not null)
            {
                await kill;
            }

            double? backAfter = null;
            if (restart is not null)
            {
                await restart;
                if (system is DynamoSystemBase dynamo)
                {
                    var deadline = TimeSpan.FromSeconds(60);
                    while (restartClock.Elapsed < deadline && !await dynamo.NodeBackAsync(KilledNode, ct))
                    {
                        await Task.Delay(100, ct);
                    }

                    backAfter = restartClock.Elapsed < deadline ? restartClock.Elapsed.TotalSeconds : null;
                }
            }

            var series = result.Series;
            var doc = new JsonObject
            {
                ["failed_requests"] = result.Errors,
                ["p999_ms_during"] = P(windows[1], 99.9),
                ["p999_ms_before"] = P(windows[0], 99.9),
                ["p999_ms_after"] = P(windows[2], 99.9),
                ["p99_ms_before"] = P(windows[0], 99),
                ["p99_ms_during"] = P(windows[1], 99),
                ["p99_ms_after"] = P(windows[2], 99),
                ["max_ms_during"] = windows[1].TotalCount > 0 ? LatencyRecorder.ToMs(windows[1].GetMaxValue()) : null,
                ["errors_before"] = series.Where(x => Window(x.Second) == 0).Sum(x => x.Errors),
                ["errors_during"] = series.Where(x => Window(x.Second) == 1).Sum(x => x.Errors),
                ["errors_after"] = series.Where(x => Window(x.Second) == 2).Sum(x => x.Errors),
                ["ops_per_sec_before"] = MeanOps(series, s => Window(s) == 0),
                ["ops_per_sec_during"] = MeanOps(series, s => Window(s) == 1),
                ["ops_per_sec_after"] = MeanOps(series, s => Window(s) == 2),
                ["system"] = descriptor.Name,
                ["workload"] = workload.Name,
                ["clients"] = o.Clients,
                ["node_killed"] = node,
                ["signal"] = "SIGKILL",
                ["kill_at_s"] = killAt,
                ["restart_at_s"] = restartAt,
                ["measured_s"] = Math.Round(result.MeasuredSeconds, 3),
                ["node_back_s_after_restart"] = backAfter is { } b ? Math.Round(b, 2) : null,
                ["ops"] = result.Ops,
                ["ops_per_sec"] = Math.Round(result.OpsPerSec, 1),
                ["p50_ms"] = result.P50Ms,
                ["p99_ms"] = result.P99Ms,
                ["p999_ms"] = result.P999Ms,
                ["max_ms"] = result.MaxMs,
                ["windows"] = F($"before: seconds 1-{killAt}; during ({node} down): {killAt + 1}-{restartAt}; after (restarted): {restartAt + 1}-{d}"),
            };
            if (system is IReportsStats stats)
            {
                doc["client_stats"] = stats.Stats();
            }

            if (result.ErrorSamples.Count > 0)
            {
                doc["error_samples"] = new JsonArray([.. result.ErrorSamples.Select(e => (JsonNode)JsonValue.Create(e))]);
            }

            doc["timeseries"] = new JsonArray([.. series.Select(x => (JsonNode)new JsonObject
            {
                ["t"] = x.Second,
                ["ops_per_sec"] = Math.Round(x.OpsPerSec, 1),
                ["p50_ms"] = Math.Round(x.P50Ms, 3),
                ["p99_ms"] = Math.Round(x.P99Ms, 3),
                ["errors"] = x.Errors,
            })]);
            return doc;
        }
        finally
        {
            context.Status("stopping");
            await BenchRunner.StopAsync(system, clients);
        }
    }

    private static double? P(LongHistogram h, double percentile) =>
        h.TotalCount > 0 ? LatencyRecorder.ToMs(h.GetValueAtPercentile(percentile)) : null;

    private static double? MeanOps(IReadOnlyList<SecondSample> series, Func<int, bool> inWindow)
    {
        var xs = series.Where(x => inWindow(x.Second)).Select(x => x.OpsPerSec).ToList();
        return xs.Count > 0 ? Math.Round(xs.Average(), 1) : null;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Which dynamo system a hook uses.</summary>
internal static class DynamoHookSystems
{
    /// <summary><paramref name="preferred"/> when selected, else the first selected dynamo system, else null.</summary>
    public static SystemDescriptor? Pick(BenchHookContext context, string preferred) =>
        context.Systems.FirstOrDefault(s => s.Name == preferred)
        ?? context.Systems.FirstOrDefault(s => s.Name is SystemCatalog.DynamoClient or SystemCatalog.DynamoRouter);
}
