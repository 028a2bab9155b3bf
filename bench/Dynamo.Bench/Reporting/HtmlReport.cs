using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dynamo.Bench.Load;

namespace Dynamo.Bench.Reporting;

/// <summary>
/// A self-contained HTML page (inline CSS and SVG, nothing fetched): throughput bars per
/// system, latency (p50/p99 per second) over time per system, throughput over time, the
/// percentile table, unavailable systems with reasons, and the hooks' results.
/// </summary>
public static class HtmlReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task WriteAsync(string path, RunResults results, CancellationToken ct)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        await File.WriteAllTextAsync(path, Render(results), ct);
    }

    // node_failure: per-second throughput and latency with the kill and the restart marked, and the three windows side by side.
    private static void NodeFailureSection(StringBuilder sb, RunResults results)
    {
        if (!results.HookResults.TryGetValue("node_failure", out var node) || node is not JsonObject nf || nf["timeseries"] is not JsonArray series)
        {
            return;
        }

        static double D(JsonNode? n) =>
            n is JsonValue && double.TryParse(n.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0;
        static string S(JsonNode? n) => n is null ? "n/a" : n.ToJsonString();
        var points = series.OfType<JsonObject>().Select(x => (T: D(x["t"]), Ops: D(x["ops_per_sec"]), P50: D(x["p50_ms"]), P99: D(x["p99_ms"]), Errors: D(x["errors"]))).ToList();
        var kill = D(nf["kill_at_s"]);
        var restart = D(nf["restart_at_s"]);
        var maxMs = Math.Max(1, points.Select(p => p.P99).DefaultIfEmpty(1).Max());
        var maxOps = Math.Max(1, points.Select(p => p.Ops).DefaultIfEmpty(1).Max());
        const string color = "#4e79a7", marks = "#e15759";
        var latency = new List<Svg.Line>
        {
            new("p50", color, [.. points.Select(p => (p.T, p.P50))]),
            new("p99", color, [.. points.Select(p => (p.T, p.P99))], Dashed: true),
            new("kill / restart", marks, [(kill, 0), (kill, maxMs), (restart, maxMs), (restart, 0)], Dashed: true),
        };
        var throughput = new List<Svg.Line>
        {
            new("ops/s", color, [.. points.Select(p => (p.T, p.Ops))]),
            new("errors/s", marks, [.. points.Select(p => (p.T, p.Errors))]),
            new("kill / restart", "#999", [(kill, 0), (kill, maxOps), (restart, maxOps), (restart, 0)], Dashed: true),
        };
        sb.Append(Svg.F($"<h2>Node failure ({Svg.E(nf["system"]?.ToString() ?? "")})</h2><p class=\"meta\">{Svg.E(nf["node_killed"]?.ToString() ?? "a node")} SIGKILLed after second {kill:0} of the measurement and restarted (same data directory) after second {restart:0}; {Svg.E(nf["workload"]?.ToString() ?? "")}, {Svg.E(S(nf["clients"]))} clients.</p>"));
        sb.Append("<table><tr><th class=\"l\">window</th><th>ops/s</th><th>p99 ms</th><th>p99.9 ms</th><th>errors</th></tr>");
        foreach (var w in new[] { "before", "during", "after" })
        {
            sb.Append(Svg.F($"<tr><td class=\"l\">{w}</td><td>{Svg.E(S(nf["ops_per_sec_" + w]))}</td><td>{Svg.E(S(nf["p99_ms_" + w]))}</td><td>{Svg.E(S(nf["p999_ms_" + w]))}</td><td>{Svg.E(S(nf["errors_" + w]))}</td></tr>"));
        }

        sb.Append(Svg.F($"<tr><th class=\"l\">total</th><th>{Svg.E(S(nf["ops_per_sec"]))}</th><th>{Svg.E(S(nf["p99_ms"]))}</th><th>{Svg.E(S(nf["p999_ms"]))}</th><th>{Svg.E(S(nf["failed_requests"]))}</th></tr></table>"));
        sb.Append(Svg.F($"<div class=\"grid\"><div class=\"card\">{Svg.LineChart(latency, "second", "ms")}</div><div class=\"card\">{Svg.LineChart(throughput, "second", "per second")}</div></div>"));
    }

    // node_rss_mb_1m_keys: resident set per node as bars.
    private static void NodeMemorySection(StringBuilder sb, RunResults results)
    {
        if (!results.HookResults.TryGetValue("node_rss_mb_1m_keys", out var node) || node is not JsonObject mem || mem["per_node"] is not JsonObject perNode)
        {
            return;
        }

        var bars = new List<Svg.Bar>();
        foreach (var (name, value) in perNode)
        {
            if (value is JsonValue && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var mb))
            {
                bars.Add(new Svg.Bar(name, mb, Svg.Palette[bars.Count % Svg.Palette.Length], Svg.F($"{mb:0} MiB")));
            }
        }

        sb.Append(Svg.F($"<h2>Node memory</h2><p class=\"meta\">Resident set (VmRSS) of each storage node after loading {Svg.E(mem["keys"]?.ToJsonString() ?? "?")} keys of {Svg.E(mem["value_bytes"]?.ToJsonString() ?? "?")} bytes (N={Svg.E(mem["replicas_per_key"]?.ToJsonString() ?? "?")}: every node holds every key) through {Svg.E(mem["system"]?.ToString() ?? "")}; max {Svg.E(mem["max"]?.ToJsonString() ?? "?")} MiB, mean {Svg.E(mem["mean"]?.ToJsonString() ?? "?")} MiB.</p>"));
        if (bars.Count > 0)
        {
            sb.Append(Svg.HorizontalBars(bars, "MiB resident"));
        }
    }

    // With several rounds: every round's ops/s and p99.9 per system, the reported (median) round in bold.
    private static void RoundsSection(StringBuilder sb, RunResults results)
    {
        var o = results.Options;
        if (o.Rounds <= 1)
        {
            return;
        }

        sb.Append(Svg.F($"<h2>Rounds</h2><p class=\"meta\">Every system was measured {o.Rounds} times, alternating with the others (the order rotated by one place each round). The figures above are each system's median-throughput round, in bold here.</p>"));
        sb.Append("<table><tr><th class=\"l\">workload</th><th class=\"l\">system</th>");
        for (var k = 1; k <= o.Rounds; k++)
        {
            sb.Append(Svg.F($"<th>round {k}: ops/s · p99.9 ms</th>"));
        }

        sb.Append("</tr>");
        foreach (var w in o.Workloads)
        {
            foreach (var s in results.Systems.Where(s => s.Phase(w.Name) is not null))
            {
                var reported = s.Phase(w.Name)!.Round;
                sb.Append(Svg.F($"<tr><td class=\"l\">{Svg.E(w.Name)}</td><td class=\"l\">{Svg.E(s.Name)}</td>"));
                for (var k = 1; k <= o.Rounds; k++)
                {
                    var r = s.Rounds(w.Name).FirstOrDefault(p => p.Round == k);
                    var cell = r is null ? "–" : Svg.F($"{r.OpsPerSec:N0} · {r.P999Ms:0.0}");
                    sb.Append(k == reported ? Svg.F($"<td><b>{cell}</b></td>") : Svg.F($"<td>{cell}</td>"));
                }

                sb.Append("</tr>");
            }
        }

        sb.Append("</table>");
    }

    public static string Render(RunResults results)
    {
        var o = results.Options;
        var colors = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < results.Systems.Count; i++)
        {
            colors[results.Systems[i].Name] = Svg.Palette[i % Svg.Palette.Length];
        }

        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Dynamo bench report</title><style>")
          .Append("body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1200px;color:#222;padding:0 16px}")
          .Append("h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:16px 0 4px}")
          .Append("table{border-collapse:collapse;font-size:13px}th,td{padding:4px 10px;border-bottom:1px solid #eee;text-align:right}th{background:#f6f6f6}")
          .Append("td.l,th.l{text-align:left}.meta{color:#555;font-size:13px}.grid{display:flex;flex-wrap:wrap;gap:18px}.card{border:1px solid #eee;border-radius:6px;padding:8px}")
          .Append(".bad{color:#b00}pre{background:#f6f6f6;padding:8px;font-size:12px;overflow:auto}.sw{display:inline-block;width:10px;height:10px;margin-right:6px}")
          .Append("</style></head><body>");
        sb.Append("<h1>Dynamo bench report</h1>");
        sb.Append(Svg.F($"<p class=\"meta\">{Svg.E(results.Started.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture))} · {Svg.E(MachineInfo.OneLine())}<br>"));
        sb.Append(Svg.F($"{(o.Mode == LoadMode.Open ? $"open loop at {o.Rate} ops/s over {o.Clients} lanes" : $"closed loop, {o.Clients} clients")} · {o.DurationSeconds} s measured after {o.WarmupSeconds} s warm-up{(o.Rounds > 1 ? $" · {o.Rounds} rounds, median reported" : "")} · "));
        sb.Append(Svg.F($"{o.Keys:N0} keys ({(o.Distribution == KeyDistribution.Zipfian ? $"zipfian {o.ZipfianConstant}" : "uniform")}) · {o.ValueSize} B values · preload {(o.Preload ? "on" : "off")}"));
        if (results.LoadAverageAtStart is { } la)
        {
            var busy = la[0] > Environment.ProcessorCount ? " class=\"bad\"" : "";
            sb.Append(Svg.F($"<br><span{busy}>load average at start {la[0]:0.0} / {la[1]:0.0} / {la[2]:0.0}{(results.LoadAverageAtEnd is { } le ? $", at end {le[0]:0.0}" : "")} on {Environment.ProcessorCount} cores</span>"));
            if (results.LoadSummary() is { } load)
            {
                sb.Append(Svg.F($"<br><span>1-min load average during the run, the bench's own included: median {load.Median:0.0}, min {load.Min:0.0}, max {load.Max:0.0}; the run took {(results.Finished - results.Started).TotalSeconds:0} s</span>"));
            }
        }

        if (results.Interrupted)
        {
            sb.Append(" · <b class=\"bad\">interrupted</b>");
        }

        sb.Append("</p>");

        sb.Append("<h2>Systems</h2><table><tr><th class=\"l\">system</th><th class=\"l\">what</th><th class=\"l\">status</th></tr>");
        foreach (var s in results.Systems)
        {
            var status = s.Available ? (s.Reason is null ? "ran" : "ran, stopped early: " + s.Reason) : "unavailable: " + (s.Reason ?? "not run");
            sb.Append(Svg.F($"<tr><td class=\"l\"><span class=\"sw\" style=\"background:{colors[s.Name]}\"></span>{Svg.E(s.Name)}</td><td class=\"l\">{Svg.E(s.Description)}</td><td class=\"l{(s.Available && s.Reason is null ? "" : " bad")}\">{Svg.E(status)}</td></tr>"));
        }

        sb.Append("</table>");

        sb.Append("<h2>Throughput</h2>");
        foreach (var w in o.Workloads)
        {
            var bars = results.Systems
                .Select(s => (s, p: s.Phase(w.Name)))
                .Where(x => x.p is not null)
                .Select(x => new Svg.Bar(x.s.Name, x.p!.OpsPerSec, colors[x.s.Name], Svg.F($"{x.p!.OpsPerSec:N0} ops/s")))
                .ToList();
            sb.Append(Svg.F($"<h3>{Svg.E(w.Name)} (get/put)</h3>"));
            sb.Append(bars.Count > 0 ? Svg.HorizontalBars(bars, "operations per second") : "<p>no data</p>");
        }

        sb.Append("<h2>Over time</h2><p class=\"meta\">Per system: p50 (solid) and p99 (dashed) latency of the operations completed in each second, in milliseconds; below, completed operations per second.</p>");
        foreach (var w in o.Workloads)
        {
            sb.Append(Svg.F($"<h3>{Svg.E(w.Name)}</h3><div class=\"grid\">"));
            foreach (var s in results.Systems)
            {
                if (s.Phase(w.Name) is not { } p)
                {
                    continue;
                }

                var lines = new List<Svg.Line>
                {
                    new("p50", colors[s.Name], [.. p.Series.Select(x => ((double)x.Second, x.P50Ms))]),
                    new("p99", colors[s.Name], [.. p.Series.Select(x => ((double)x.Second, x.P99Ms))], Dashed: true),
                };
                var throughput = new List<Svg.Line>
                {
                    new("ops/s", colors[s.Name], [.. p.Series.Select(x => ((double)x.Second, x.OpsPerSec))]),
                };
                sb.Append(Svg.F($"<div class=\"card\"><b>{Svg.E(s.Name)}</b><br>{Svg.LineChart(lines, "second", "ms")}<br>{Svg.LineChart(throughput, "second", "ops/s", 560, 170)}</div>"));
            }

            sb.Append("</div>");
        }

        sb.Append("<h2>Percentiles</h2><table><tr><th class=\"l\">workload</th><th class=\"l\">system</th><th>ops/s</th><th>mean ms</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th><th>ops</th><th>errors</th><th>not found</th><th>CPU µs/op</th><th>bench cores</th><th>server cores</th></tr>");
        foreach (var w in o.Workloads)
        {
            foreach (var s in results.Systems)
            {
                if (s.Phase(w.Name) is { } p)
                {
                    sb.Append(Svg.F($"<tr><td class=\"l\">{Svg.E(w.Name)}</td><td class=\"l\">{Svg.E(s.Name)}</td><td>{p.OpsPerSec:N0}</td><td>{p.MeanMs:0.00}</td><td>{p.P50Ms:0.00}</td><td>{p.P90Ms:0.00}</td><td>{p.P99Ms:0.00}</td><td>{p.P999Ms:0.00}</td><td>{p.MaxMs:0.00}</td><td>{p.Ops:N0}</td><td{(p.Errors > 0 ? " class=\"bad\"" : "")}>{p.Errors:N0}</td><td>{p.NotFound:N0}</td><td>{(p.CpuMicrosPerOp is { } us ? us.ToString("0", CultureInfo.InvariantCulture) : "n/a")}</td><td>{p.BenchCpuSeconds / Math.Max(0.001, p.MeasuredSeconds):0.00}</td><td>{(p.ServerCpuSeconds is { } sc ? (sc / Math.Max(0.001, p.MeasuredSeconds)).ToString("0.00", CultureInfo.InvariantCulture) : "n/a")}</td></tr>"));
                }
                else
                {
                    sb.Append(Svg.F($"<tr><td class=\"l\">{Svg.E(w.Name)}</td><td class=\"l\">{Svg.E(s.Name)}</td><td colspan=\"13\" class=\"l bad\">unavailable: {Svg.E(s.Reason ?? "not run")}</td></tr>"));
                }
            }
        }

        sb.Append("</table>");
        RoundsSection(sb, results);

        var ratios = Ratios.Compute(results);
        if (ratios.Count > 0)
        {
            sb.Append(Svg.F($"<h2>Ratios ({Svg.E(o.PrimaryWorkload.Name)})</h2><table><tr><th class=\"l\">pair</th><th>ops/s ratio</th></tr>"));
            foreach (var (pair, ratio) in ratios)
            {
                sb.Append(Svg.F($"<tr><td class=\"l\">{Svg.E(pair)}</td><td>{(ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "n/a")}</td></tr>"));
            }

            sb.Append("</table>");
        }

        NodeFailureSection(sb, results);
        NodeMemorySection(sb, results);

        var hooks = results.HookResults.Where(h => h.Value is not null).ToList();
        if (hooks.Count > 0)
        {
            sb.Append("<h2>Extra measurements (raw)</h2>");
            foreach (var (key, node) in hooks)
            {
                var shown = node!.DeepClone();
                if (shown is JsonObject raw && raw.Remove("timeseries"))
                {
                    raw["timeseries"] = "(per-second series: see the chart above and the JSON file)";
                }

                sb.Append(Svg.F($"<h3>{Svg.E(key)}</h3><pre>{Svg.E(shown.ToJsonString(Indented))}</pre>"));
            }
        }

        var errors = results.Systems.SelectMany(s => s.Phases.Where(p => p.ErrorSamples.Count > 0).Select(p => (s.Name, p))).ToList();
        if (errors.Count > 0)
        {
            sb.Append("<h2>Error samples</h2><ul>");
            foreach (var (name, p) in errors)
            {
                var round = o.Rounds > 1 ? Svg.F($" round {p.Round}") : "";
                sb.Append(Svg.F($"<li><b>{Svg.E(name)}</b> {Svg.E(p.Workload.Name)}{round}: {Svg.E(string.Join(" | ", p.ErrorSamples))}</li>"));
            }

            sb.Append("</ul>");
        }

        sb.Append("<p class=\"meta\">Latencies from HdrHistogram at microsecond resolution. Closed loop: from send to completion. Open loop: from each request's intended start (no coordinated omission). Errors are not in the latency figures. CPU µs/op = CPU time of the bench process plus the system's server processes in the measured window, per operation (steadier than ops/s when other work shares the machine). Generated by bench/Dynamo.Bench.</p>");
        sb.Append("</body></html>\n");
        return sb.ToString();
    }
}
