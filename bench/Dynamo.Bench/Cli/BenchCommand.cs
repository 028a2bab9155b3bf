using System.CommandLine;
using System.CommandLine.Parsing;
using Dynamo.Bench.Load;
using Dynamo.Bench.Systems;
using Dynamo.Bench.Systems.GrpcFanout;

namespace Dynamo.Bench.Cli;

/// <summary>
/// The command line. Contract: <c>dotnet run -c Release --project bench/Dynamo.Bench --
/// --duration 30 --out bench-results.json</c>. The hidden <c>serve-kv</c> subcommand is how the
/// bench starts its own gRPC server processes for grpc_fanout_unary.
/// </summary>
public static class BenchCommand
{
    public static RootCommand Build(Func<BenchOptions, CancellationToken, Task<int>> run)
    {
        var duration = new Option<int>("--duration") { Description = "Measured seconds per system per workload.", DefaultValueFactory = _ => 30 };
        var rounds = new Option<int>("--rounds") { Description = "Times every system is measured, alternating with the others (order rotated each round); each reports its median round.", DefaultValueFactory = _ => 3 };
        var warmup = new Option<int>("--warmup") { Description = "Unmeasured seconds of load before each measurement.", DefaultValueFactory = _ => 5 };
        var output = new Option<string>("--out") { Description = "Path of the JSON results.", DefaultValueFactory = _ => "bench-results.json" };
        var report = new Option<string?>("--report") { Description = "Path of the HTML report (default: next to --out, e.g. bench-report.html)." };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients (closed loop) or lanes (open loop).", DefaultValueFactory = _ => 64 };
        var valueSize = new Option<int>("--value-size") { Description = "Bytes per value.", DefaultValueFactory = _ => 100 };
        var keys = new Option<int>("--keys") { Description = "Size of the key space.", DefaultValueFactory = _ => 100_000 };
        var distribution = new Option<string>("--distribution") { Description = "Key popularity: uniform, or zipfian (constant 0.99).", DefaultValueFactory = _ => "uniform" };
        distribution.AcceptOnlyFromAmong("uniform", "zipfian");
        var workload = new Option<string[]>("--workload")
        {
            Description = "Get/put mix: 50/50, 95/5, put-only (or any G/P). Repeat or comma-separate to run several.",
            DefaultValueFactory = _ => ["50/50"],
            AllowMultipleArgumentsPerToken = true,
        };
        var mode = new Option<string>("--mode") { Description = "closed: clients wait for each answer; open: fixed --rate, latency from intended start.", DefaultValueFactory = _ => "closed" };
        mode.AcceptOnlyFromAmong("closed", "open");
        var rate = new Option<int>("--rate") { Description = "Target ops/s in open-loop mode.", DefaultValueFactory = _ => 5000 };
        var systems = new Option<string?>("--systems") { Description = "Comma-separated systems to run (default: all): " + string.Join(", ", SystemCatalog.All.Select(s => s.Name)) + "." };
        var noPreload = new Option<bool>("--no-preload") { Description = "Skip writing the key space before the gets (misses then count as successes, reported as not_found)." };
        var dynamoSource = new Option<string?>("--dynamo-source") { Description = "Repository whose services/ the dynamo systems build (Release) and run (default: the one this bench was built from)." };
        var dynamoNoBuild = new Option<bool>("--dynamo-no-build") { Description = "Run the existing bin/Release builds of the Dynamo services without building them." };
        var hooks = new Option<string?>("--hooks") { Description = "Extra measurements to run after the systems: node_failure, node_rss_mb_1m_keys (comma-separated; default all; 'none' for none)." };
        var failureSystem = new Option<string>("--failure-system") { Description = "System for the node-failure run: dynamo_client or dynamo_router.", DefaultValueFactory = _ => "dynamo_client" };
        failureSystem.AcceptOnlyFromAmong("dynamo_client", "dynamo_router");
        var dynamoEnv = new Option<string[]>("--dynamo-env")
        {
            Description = "KEY=VALUE environment for the Dynamo seed, nodes and router (repeatable), for experiments, e.g. OTEL_SDK_DISABLED=true.",
            AllowMultipleArgumentsPerToken = false,
        };
        dynamoEnv.Validators.Add(r =>
        {
            foreach (var kv in r.GetValueOrDefault<string[]>() ?? [])
            {
                if (kv.IndexOf('=', StringComparison.Ordinal) <= 0)
                {
                    r.AddError($"--dynamo-env expects KEY=VALUE, got '{kv}'");
                }
            }
        });
        var rssKeys = new Option<int>("--rss-keys") { Description = "Keys loaded (--value-size bytes each) before reading the nodes' resident set.", DefaultValueFactory = _ => 1_000_000 };

        Positive(duration, 1);
        Positive(rounds, 1);
        Positive(warmup, 0);
        Positive(clients, 1);
        Positive(valueSize, 0);
        Positive(keys, 1);
        Positive(rate, 1);
        Positive(rssKeys, 1);
        hooks.Validators.Add(r =>
        {
            foreach (var name in SplitList([r.GetValueOrDefault<string?>() ?? ""]))
            {
                if (name != "none" && !Hooks.BenchHooks.ReservedKeys.Contains(name))
                {
                    r.AddError($"unknown hook '{name}'; known: {string.Join(", ", Hooks.BenchHooks.ReservedKeys)}, none");
                }
            }
        });
        workload.Validators.Add(r =>
        {
            foreach (var w in SplitList(r.GetValueOrDefault<string[]>()))
            {
                if (!WorkloadSpec.TryParse(w, out _, out var error))
                {
                    r.AddError(error);
                }
            }
        });
        systems.Validators.Add(r =>
        {
            var known = SystemCatalog.All.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var name in SplitList([r.GetValueOrDefault<string?>() ?? ""]))
            {
                if (!known.Contains(name))
                {
                    r.AddError($"unknown system '{name}'; known: {string.Join(", ", known)}");
                }
            }
        });

        var root = new RootCommand("Dynamo.Bench: load generator comparing the Dynamo store with etcd, redis and a bare gRPC fan-out on this machine.")
        {
            duration, rounds, warmup, output, report, clients, valueSize, keys, distribution, workload, mode, rate, systems, noPreload,
            dynamoSource, dynamoNoBuild, dynamoEnv, hooks, failureSystem, rssKeys,
        };
        root.SetAction((parse, ct) =>
        {
            var outPath = parse.GetValue(output)!;
            var selected = SplitList([parse.GetValue(systems) ?? ""]);
            var hookList = parse.GetValue(hooks) is { } h ? SplitList([h]).Where(n => n != "none").ToList() : null;
            var options = new BenchOptions
            {
                DurationSeconds = parse.GetValue(duration),
                Rounds = parse.GetValue(rounds),
                WarmupSeconds = parse.GetValue(warmup),
                OutPath = outPath,
                ReportPath = parse.GetValue(report) ?? BenchOptions.DefaultReportPath(outPath),
                Clients = parse.GetValue(clients),
                ValueSize = parse.GetValue(valueSize),
                Keys = parse.GetValue(keys),
                Distribution = parse.GetValue(distribution) == "zipfian" ? KeyDistribution.Zipfian : KeyDistribution.Uniform,
                Workloads = [.. SplitList(parse.GetValue(workload) ?? []).Select(w => WorkloadSpec.TryParse(w, out var spec, out _) ? spec : WorkloadSpec.Mixed5050).DistinctBy(w => w.Name)],
                Mode = parse.GetValue(mode) == "open" ? LoadMode.Open : LoadMode.Closed,
                Rate = parse.GetValue(rate),
                Systems = selected.Count == 0 ? null : selected,
                Preload = !parse.GetValue(noPreload),
                DynamoSource = parse.GetValue(dynamoSource),
                DynamoNoBuild = parse.GetValue(dynamoNoBuild),
                DynamoEnvironment = (parse.GetValue(dynamoEnv) ?? []).Select(kv => kv.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal),
                Hooks = hookList,
                FailureSystem = parse.GetValue(failureSystem)!,
                RssKeys = parse.GetValue(rssKeys),
            };
            if (options.Workloads.Count == 0)
            {
                options = options with { Workloads = [WorkloadSpec.Mixed5050] };
            }

            return run(options, ct);
        });

        root.Subcommands.Add(BuildServeKv());
        return root;
    }

    private static Command BuildServeKv()
    {
        var port = new Option<int>("--port") { Required = true };
        var parentPid = new Option<int>("--parent-pid") { DefaultValueFactory = _ => 0 };
        var command = new Command("serve-kv", "Internal: host one in-memory KV gRPC server (used by grpc_fanout_unary).")
        {
            Hidden = true,
        };
        command.Options.Add(port);
        command.Options.Add(parentPid);
        command.SetAction((parse, ct) => KvServerHost.RunAsync(parse.GetValue(port), parse.GetValue(parentPid), ct));
        return command;
    }

    private static void Positive(Option<int> option, int min) =>
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < min)
            {
                r.AddError($"{option.Name} must be at least {min}");
            }
        });

    private static List<string> SplitList(IEnumerable<string>? values) =>
        values is null
            ? []
            : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
}
