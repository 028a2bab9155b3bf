using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dynamo.Bench.Abstractions;
using Dynamo.Bench.Infrastructure;
using Dynamo.Bench.Load;
using Dynamo.Bench.Systems;
using Dynamo.Bench.Systems.DynamoStore;

namespace Dynamo.Bench.Hooks;

/// <summary>
/// "node_rss_mb_1m_keys": a fresh dynamo cluster (dynamo_client when selected: the fastest
/// loader), --rss-keys keys (1,000,000 by default) of --value-size bytes (100) written once each
/// with --clients clients, then, after 3 s of quiet, each storage node's resident set
/// (/proc/PID/status VmRSS) in MiB. With N=3 every node holds every key. Also reported: the
/// resident set right after start, the peak (VmHWM) and the RocksDB directory size per node.
/// </summary>
public sealed class NodeMemoryHook : IBenchHook
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public string ResultKey => "node_rss_mb_1m_keys";

    public string Title => "node memory at 1M keys";

    public async Task<JsonNode?> RunAsync(BenchHookContext context, CancellationToken ct)
    {
        var o = context.Options;
        var descriptor = DynamoHookSystems.Pick(context, SystemCatalog.DynamoClient);
        if (descriptor is null)
        {
            return null;
        }

        IBenchSystem? system = null;
        List<IKeyValueClient> clients = [];
        try
        {
            context.Status($"starting {descriptor.Name}");
            system = descriptor.Create(context.CreateSystemContext());
            var nodes = system as INodeProcesses ?? throw new InvalidOperationException($"{descriptor.Name} does not expose its node processes");
            await system.StartAsync(ct);
            var names = (system as INodeFaultInjection)?.NodeNames;
            clients = await BenchRunner.ConnectClientsAsync(system, o.Clients, ct);
            var pids = nodes.NodeProcessIds;
            string Name(int i) => names?[i] ?? "node" + (i + 1).ToString(CultureInfo.InvariantCulture);
            var baseline = pids.Select(ProcessMemory.ReadRssMb).ToList();

            context.Status(F($"generating {o.RssKeys:N0} keys"));
            var keys = new KeySpace(o.RssKeys, KeyDistribution.Uniform);
            var clock = Stopwatch.StartNew();
            string? loadError = null;
            try
            {
                await LoadRunner.PreloadAsync(
                    clients,
                    keys,
                    o.ValueSize,
                    done => context.Status(F($"loading {done:N0}/{keys.Count:N0} keys ({done / Math.Max(0.001, clock.Elapsed.TotalSeconds):N0}/s)")),
                    ct);
            }
            catch (InvalidOperationException ex) when (!ct.IsCancellationRequested)
            {
                loadError = ex.Message; // a few puts failed 3 times: the memory figure still stands, with this note
            }

            var loadSeconds = clock.Elapsed.TotalSeconds;
            context.Status("letting the nodes settle");
            await Task.Delay(Settle, ct);

            var rss = pids.Select(ProcessMemory.ReadRssMb).ToList();
            var peak = pids.Select(ProcessMemory.ReadPeakRssMb).ToList();
            var dirs = (system as DynamoSystemBase)?.NodeDataDirectories;
            var known = rss.Where(r => r is not null).Select(r => r!.Value).ToList();
            if (known.Count == 0)
            {
                return new JsonObject { ["error"] = "could not read any node's /proc/PID/status" };
            }

            JsonObject PerNode(IReadOnlyList<double?> values)
            {
                var obj = new JsonObject();
                for (var i = 0; i < values.Count; i++)
                {
                    obj[Name(i)] = values[i] is { } v ? Math.Round(v, 1) : null;
                }

                return obj;
            }

            var doc = new JsonObject
            {
                ["max"] = Math.Round(known.Max(), 1),
                ["mean"] = Math.Round(known.Average(), 1),
                ["per_node"] = PerNode(rss),
                ["unit"] = "MiB (VmRSS)",
                ["system"] = descriptor.Name,
                ["keys"] = keys.Count,
                ["value_bytes"] = o.ValueSize,
                ["replicas_per_key"] = DynamoCluster.N,
                ["load_s"] = Math.Round(loadSeconds, 1),
                ["load_puts_per_sec"] = Math.Round(keys.Count / loadSeconds, 0),
                ["settle_s"] = Settle.TotalSeconds,
                ["baseline_per_node"] = PerNode(baseline),
                ["peak_per_node"] = PerNode(peak),
            };
            if (loadError is not null)
            {
                doc["load_error"] = loadError;
            }

            if (dirs is not null)
            {
                doc["data_dir_mb_per_node"] = PerNode([.. dirs.Select(d => (double?)ProcessMemory.DirectorySizeMb(d))]);
            }

            return doc;
        }
        finally
        {
            context.Status("stopping");
            await BenchRunner.StopAsync(system, clients);
        }
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
