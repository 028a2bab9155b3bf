using System.Text.Json;
using System.Text.Json.Nodes;
using Dynamo.Bench.Hooks;
using Dynamo.Bench.Load;

namespace Dynamo.Bench.Reporting;

/// <summary>
/// The --out document. Contract (extra keys allowed):
/// <code>
/// { "systems": { NAME: { "ops_per_sec", "p50_ms", "p99_ms", "p999_ms", "errors", ... } },
///   "node_failure": null | {...}, "node_rss_mb_1m_keys": null | ..., ... }
/// </code>
/// "systems" holds the primary workload (50/50 unless not run) in the chosen mode; every
/// workload, with its per-second series, is under "workloads". An unavailable system has
/// "available": false, a "reason" and null figures.
/// </summary>
public static class ResultsJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject Build(RunResults results)
    {
        var options = results.Options;
        var primary = options.PrimaryWorkload.Name;
        var systems = new JsonObject();
        foreach (var s in results.Systems)
        {
            systems[s.Name] = s.Phase(primary) is { } phase ? Entry(s, phase, withSeries: false) : Unavailable(s);
        }

        var doc = new JsonObject
        {
            ["systems"] = systems,
        };
        foreach (var key in BenchHooks.ReservedKeys)
        {
            doc[key] = results.HookResults.TryGetValue(key, out var node) ? node?.DeepClone() : null;
        }

        foreach (var (key, node) in results.HookResults)
        {
            if (!doc.ContainsKey(key))
            {
                doc[key] = node?.DeepClone();
            }
        }

        var ratios = new JsonObject();
        foreach (var (pair, ratio) in Ratios.Compute(results))
        {
            ratios[pair] = ratio is { } r ? Math.Round(r, 3) : null;
        }

        doc["ratios"] = ratios;
        if (options.Rounds > 1)
        {
            // The same pairs within each round: systems measured minutes apart, not a whole run apart.
            var byRound = new JsonObject();
            var perRound = Enumerable.Range(1, options.Rounds).Select(k => Ratios.Compute(results, k)).ToList();
            foreach (var (pair, _) in Ratios.Compute(results))
            {
                byRound[pair] = new JsonArray([.. perRound.Select(r => (JsonNode?)(r.FirstOrDefault(x => x.Pair == pair).Ratio is { } v ? Math.Round(v, 3) : null))]);
            }

            doc["ratios_by_round"] = byRound;
        }

        var workloads = new JsonObject();
        foreach (var w in options.Workloads)
        {
            var perSystem = new JsonObject();
            foreach (var s in results.Systems)
            {
                perSystem[s.Name] = s.Phase(w.Name) is { } phase ? Entry(s, phase, withSeries: true) : Unavailable(s);
            }

            workloads[w.Name] = perSystem;
        }

        doc["workloads"] = workloads;
        doc["metadata"] = new JsonObject
        {
            ["date"] = results.Started.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["finished"] = results.Finished.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["interrupted"] = results.Interrupted,
            ["systems_workload"] = primary,
            ["machine"] = MachineInfo.Describe(),
            ["load_average_start"] = LoadArray(results.LoadAverageAtStart),
            ["load_average_end"] = LoadArray(results.LoadAverageAtEnd),
            ["load_average_1m_during"] = results.LoadSummary() is { } load
                ? new JsonObject { ["min"] = load.Min, ["median"] = load.Median, ["max"] = load.Max, ["samples_every_s"] = 10 }
                : null,
            ["load_average_1m_samples"] = new JsonArray([.. SamplesOf(results).Select(x => (JsonNode)new JsonArray(x.Seconds, x.Load1))]),
            ["duration_s"] = Math.Round((results.Finished - results.Started).TotalSeconds, 1),
            ["parameters"] = new JsonObject
            {
                ["duration_s"] = options.DurationSeconds,
                ["rounds"] = options.Rounds,
                ["warmup_s"] = options.WarmupSeconds,
                ["clients"] = options.Clients,
                ["value_size"] = options.ValueSize,
                ["keys"] = options.Keys,
                ["distribution"] = options.Distribution == KeyDistribution.Zipfian ? "zipfian" : "uniform",
                ["zipfian_constant"] = options.Distribution == KeyDistribution.Zipfian ? options.ZipfianConstant : null,
                ["workloads"] = new JsonArray([.. options.Workloads.Select(w => (JsonNode)JsonValue.Create(w.Name))]),
                ["mode"] = options.Mode == LoadMode.Open ? "open" : "closed",
                ["rate"] = options.Mode == LoadMode.Open ? options.Rate : null,
                ["preload"] = options.Preload,
                ["dynamo_env"] = options.DynamoEnvironment.Count == 0 ? null : new JsonObject([.. options.DynamoEnvironment.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))]),
                ["dynamo_source"] = options.DynamoSource ?? Systems.DynamoStore.DynamoBuild.DefaultSourceRoot,
                ["hooks"] = options.Hooks is null ? "all" : string.Join(",", options.Hooks),
                ["failure_system"] = options.FailureSystem,
                ["rss_keys"] = options.RssKeys,
                ["systems"] = new JsonArray([.. results.Systems.Select(s => (JsonNode)JsonValue.Create(s.Name))]),
                ["out"] = Path.GetFullPath(options.OutPath),
                ["report"] = Path.GetFullPath(options.ReportPath),
            },
            ["notes"] = new JsonArray(
                "latencies in ms from HdrHistogram (microsecond resolution); closed loop: send to completion; open loop: from the intended start (no coordinated omission)",
                "the key space is preloaded before measuring (unless --no-preload); gets that find nothing count as successes and as not_found",
                "errors are failed operations; they are not in the latency figures",
                "with several rounds every system is measured once per round, the order rotated each round; a system's figures are those of its median-throughput round (\"round\"), its \"errors\" are summed over all rounds, and \"rounds\" lists each one"),
        };
        return doc;
    }

    public static async Task WriteAsync(string path, RunResults results, CancellationToken ct)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        await File.WriteAllTextAsync(path, Build(results).ToJsonString(Indented) + "\n", ct);
    }

    private static JsonObject Entry(SystemOutcome s, PhaseResult p, bool withSeries)
    {
        var o = new JsonObject
        {
            ["ops_per_sec"] = Math.Round(p.OpsPerSec, 1),
            ["p50_ms"] = Ms(p.P50Ms),
            ["p99_ms"] = Ms(p.P99Ms),
            ["p999_ms"] = Ms(p.P999Ms),
            ["errors"] = s.ErrorsAllRounds(p.Workload.Name),
            ["available"] = true,
            ["mean_ms"] = Ms(p.MeanMs),
            ["p90_ms"] = Ms(p.P90Ms),
            ["max_ms"] = Ms(p.MaxMs),
            ["ops"] = p.Ops,
            ["not_found"] = p.NotFound,
            ["measured_s"] = Math.Round(p.MeasuredSeconds, 3),
            ["workload"] = p.Workload.Name,
            ["mode"] = p.Mode == LoadMode.Open ? "open" : "closed",
            ["clients"] = p.Clients,
            ["target_rate"] = p.TargetRate,
            ["description"] = s.Description,
            ["start_s"] = Math.Round(s.StartSeconds, 2),
            ["preload_s"] = Math.Round(s.PreloadSeconds, 2),
            ["cpu"] = new JsonObject
            {
                ["bench_cores"] = p.MeasuredSeconds > 0 ? Math.Round(p.BenchCpuSeconds / p.MeasuredSeconds, 3) : null,
                ["server_cores"] = p.ServerCpuSeconds is { } sc && p.MeasuredSeconds > 0 ? Math.Round(sc / p.MeasuredSeconds, 3) : null,
                ["us_per_op"] = p.CpuMicrosPerOp is { } us ? Math.Round(us, 1) : null,
            },
        };
        var rounds = s.Rounds(p.Workload.Name);
        if (rounds.Count > 1)
        {
            o["round"] = p.Round;
            o["errors_in_round"] = p.Errors;
            o["rounds"] = new JsonArray([.. rounds.Select(r => (JsonNode)new JsonObject
            {
                ["round"] = r.Round,
                ["ops_per_sec"] = Math.Round(r.OpsPerSec, 1),
                ["p50_ms"] = Ms(r.P50Ms),
                ["p99_ms"] = Ms(r.P99Ms),
                ["p999_ms"] = Ms(r.P999Ms),
                ["errors"] = r.Errors,
                ["us_per_op"] = r.CpuMicrosPerOp is { } rus ? Math.Round(rus, 1) : null,
            })]);
        }

        if (s.ClientStats is { } stats)
        {
            o["client_stats"] = stats.DeepClone();
        }

        if (p.ErrorSamples.Count > 0)
        {
            o["error_samples"] = new JsonArray([.. p.ErrorSamples.Select(e => (JsonNode)JsonValue.Create(e))]);
        }

        if (s.Reason is not null)
        {
            o["reason"] = s.Reason;
        }

        if (withSeries)
        {
            o["timeseries"] = new JsonArray([.. p.Series.Select(x => (JsonNode)new JsonObject
            {
                ["t"] = x.Second,
                ["ops_per_sec"] = Math.Round(x.OpsPerSec, 1),
                ["p50_ms"] = Ms(x.P50Ms),
                ["p99_ms"] = Ms(x.P99Ms),
                ["errors"] = x.Errors,
            })]);
        }

        return o;
    }

    private static JsonObject Unavailable(SystemOutcome s) => new()
    {
        ["ops_per_sec"] = null,
        ["p50_ms"] = null,
        ["p99_ms"] = null,
        ["p999_ms"] = null,
        ["errors"] = null,
        ["available"] = false,
        ["reason"] = s.Reason ?? "not run",
        ["description"] = s.Description,
    };

    private static double Ms(double ms) => Math.Round(ms, 3);

    private static List<(double Seconds, double Load1)> SamplesOf(RunResults results)
    {
        lock (results.LoadSamples)
        {
            return [.. results.LoadSamples];
        }
    }

    private static JsonArray? LoadArray(double[]? load) =>
        load is null ? null : new JsonArray([.. load.Select(l => (JsonNode)JsonValue.Create(l))]);
}
