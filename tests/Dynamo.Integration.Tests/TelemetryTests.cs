using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dynamo.Core;
using Dynamo.Core.Hashing;
using Dynamo.Core.Versioning;
using Dynamo.Protos;
using Dynamo.Testing;
using Grpc.Net.Client;
using Microsoft.Playwright;

namespace Dynamo.Integration.Tests;

/// <summary>
/// What a user debugging the cluster sees in the Aspire dashboard (DESIGN §8): the span tree of a put and
/// of a get across processes, sloppy quorum and hints, read repair, background work, and the resource
/// commands, all read back from the real dashboard's telemetry API.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TelemetryTests : IAsyncLifetime
{
    private static readonly TimeSpan TraceTimeout = TimeSpan.FromSeconds(45);
    private ClusterApp _cluster = null!;
    private HttpClient _dashboard = null!;

    public async ValueTask InitializeAsync()
    {
        _cluster = await ClusterApp.StartAsync(nodes: 4, spares: 1, dashboard: true);
        _dashboard = _cluster.Dashboard();
    }

    public async ValueTask DisposeAsync()
    {
        _dashboard.Dispose();
        await _cluster.DisposeAsync();
    }

    /// <summary>A fresh key of the default table whose primaries include <paramref name="node"/>.</summary>
    private async Task<string> KeyReplicatedOn(string node)
    {
        using var doc = await _cluster.Client.GetClusterAsync();
        int q = doc.RootElement.GetProperty("partitions").GetInt32();
        var lists = doc.RootElement.GetProperty("preferenceLists").EnumerateArray()
            .ToDictionary(l => l.GetProperty("partition").GetInt32(), l => l.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()!).ToList());
        for (int i = 0; ; i++)
        {
            string key = $"on-{node}-{Guid.NewGuid():N}";
            if (lists[KeyHash.Compute("default", key).Partition(q)].Contains(node))
            {
                return key;
            }
        }
    }

    [Fact]
    public async Task APutIsTracedFromTheRouterThroughTheCoordinatorToEveryReplica()
    {
        string key = "traced-" + Guid.NewGuid().ToString("N");
        await _cluster.Client.PutAsync("default", key, "v"u8.ToArray());

        var trace = await Traces.FindTraceAsync(
            _dashboard,
            "router",
            s => s.Name.StartsWith("PUT /kv", StringComparison.Ordinal) && (s["url.path"] ?? "").Contains(key, StringComparison.Ordinal),
            t => t.Count(s => s.Name == "dynamo.replica put") == 3 && t.Count(s => s.Name == "dynamo.replica.serve write") >= 2,
            TraceTimeout);

        var coordinator = Assert.Single(trace, s => s.Name == "dynamo.coordinate put");
        Assert.Contains(trace.Ancestors(coordinator), s => s.Resource == "router");
        Assert.Equal("default", coordinator["dynamo.table"]);
        Assert.Equal("ok", coordinator["dynamo.outcome"]);
        Assert.Equal("2", coordinator["dynamo.w"]);
        Assert.NotNull(coordinator["dynamo.partition"]);

        var replicas = trace.Where(s => s.Name == "dynamo.replica put").ToList();
        Assert.All(replicas, r => Assert.Equal(coordinator.SpanId, r.ParentSpanId));
        Assert.Equal(3, replicas.Select(r => r["dynamo.node"]).Distinct().Count());
        Assert.All(replicas, r => Assert.Equal("owner", r["dynamo.replica.role"]));
        Assert.All(replicas, r => Assert.Equal("ack", r["dynamo.outcome"]));
        Assert.All(replicas, r => Assert.Equal(coordinator["dynamo.partition"], r["dynamo.partition"]));

        // Each remote replica write is served on that node, under its replica span.
        foreach (var remote in replicas.Where(r => r["dynamo.node"] != coordinator.Resource))
        {
            var served = Assert.Single(trace, s => s.Resource == remote["dynamo.node"] && s.Name == "dynamo.replica.serve write");
            Assert.Contains(trace.Ancestors(served), a => a.SpanId == remote.SpanId);
        }

        Assert.True(trace.Select(s => s.Resource).Distinct().Count() >= 4, "router and three storage nodes");
    }

    [Fact]
    public async Task ASloppyQuorumWriteShowsTheFallbackAndTheHintItStored()
    {
        string key = await KeyReplicatedOn("node4");
        await _cluster.StopAsync("node4");
        try
        {
            // Written once the cluster knows node4 is gone: before that the router may still pick node4
            // as the coordinator, and a write whose coordinator dies under it is an ambiguous 503.
            await _cluster.WaitUntilSeenDownAsync("node4", ["node1", "node2", "node3"]);
            await _cluster.Client.PutAsync("default", key, "while-node4-is-down"u8.ToArray());
            var trace = await Traces.FindTraceAsync(
                _dashboard,
                "router",
                s => (s["url.path"] ?? "").Contains(key, StringComparison.Ordinal),
                t => t.Any(s => s.Name == "dynamo.replica put" && s["dynamo.replica.role"] == "fallback" && s["dynamo.outcome"] == "ack") && t.Any(s => s.Name == "dynamo.hint.store"),
                TraceTimeout);
            var fallback = Assert.Single(trace, s => s.Name == "dynamo.replica put" && s["dynamo.replica.role"] == "fallback" && s["dynamo.outcome"] == "ack");
            Assert.Equal("node4", fallback["dynamo.hint.for"]);
            var hint = Assert.Single(trace, s => s.Name == "dynamo.hint.store");
            Assert.Equal("node4", hint["dynamo.hint.for"]);
            Assert.Equal(fallback["dynamo.node"], hint.Resource);
        }
        finally
        {
            await _cluster.StartAsync("node4");
        }

        // Back up, node4 gets its hints: the delivery is traced on the fallback that held them.
        await Eventually.Until(async () =>
        {
            foreach (var node in _cluster.NodeNames)
            {
                var spans = await Traces.SpansAsync(_dashboard, $"/api/telemetry/traces?resource={node}&limit=500");
                if (spans.Any(s => s.Name == "dynamo.hint.delivery" && (s["dynamo.targets"] ?? "").Contains("node4", StringComparison.Ordinal) && s["dynamo.outcome"] == "delivered"))
                {
                    return true;
                }
            }

            return false;
        }, TimeSpan.FromSeconds(60), "a traced hint delivery to node4");
    }

    [Fact]
    public async Task AReadShowsItsRepliesItsSiblingsAndTheReadRepairsItCaused()
    {
        string key = await KeyReplicatedOn("node1");
        string first = await _cluster.Client.PutAsync("default", key, "base"u8.ToArray());
        await _cluster.Client.PutAsync("default", key, "A"u8.ToArray(), context: first);
        await _cluster.Client.PutAsync("default", key, "B"u8.ToArray(), context: first);

        // A third concurrent version reaches node1 alone: the other replicas are now stale.
        var probe = DottedVersionVectorSet.Empty.Update(VersionVector.Empty, new Actor(new NodeId("probe"), 1), new Sibling("C"u8.ToArray(), "text/plain"));
        using (var channel = GrpcChannel.ForAddress(_cluster.GrpcEndpoint("node1")))
        {
            var credentials = new Dynamo.Protos.Hosting.ClusterCredentials(ClusterApp.ClusterSecret);
            var ack = await new Replica.ReplicaClient(channel).WriteAsync(
                new ReplicaWriteRequest { Table = "default", Key = key, Object = ProtoMapper.Bytes(probe) },
                credentials.Headers(new NodeId("telemetry-test")));
            Assert.True(ack.Ok);
        }

        var read = await _cluster.Client.GetAsync("default", key, r: 3);
        Assert.Equal(["A", "B", "C"], read.Siblings.Select(s => Encoding.UTF8.GetString(s.Value)).Order());

        var trace = await Traces.FindTraceAsync(
            _dashboard,
            "router",
            s => s.Name.StartsWith("GET /kv", StringComparison.Ordinal) && (s["url.path"] ?? "").Contains(key, StringComparison.Ordinal),
            t => t.Any(s => s.Name == "dynamo.coordinate get" && s["dynamo.read_repairs"] is not null),
            TraceTimeout);
        var get = Assert.Single(trace, s => s.Name == "dynamo.coordinate get");
        Assert.Equal("3", get["dynamo.siblings"]);
        Assert.Equal("3", get["dynamo.replies"]);
        Assert.Equal("3", get["dynamo.r"]);
        Assert.Equal("2", get["dynamo.read_repairs"]);
        Assert.Equal(3, trace.Count(s => s.Name == "dynamo.replica get" && s.ParentSpanId == get.SpanId));
        var repairs = trace.Where(s => s.Name == "dynamo.read_repair").ToList();
        Assert.Equal(2, repairs.Count);
        Assert.DoesNotContain(repairs, r => r["dynamo.node"] == "node1");
    }

    [Fact]
    [Trait("Category", "Browser")]
    public async Task TheDashboardShowsAPutTraceAcrossTheRouterAndThreeNodesAndTheDynamoMetrics()
    {
        // The PUT starts from a traceparent of ours, so the test knows its trace id instead of searching for it.
        var (traceId, traceParent) = Traces.NewTraceParent();
        using (var put = new HttpRequestMessage(HttpMethod.Put, "/kv/default/browser-" + Guid.NewGuid().ToString("N")) { Content = new ByteArrayContent("seen in the dashboard"u8.ToArray()) })
        {
            put.Headers.Add("traceparent", traceParent);
            using var response = await _cluster.Router.SendAsync(put);
            Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        }

        var trace = await Traces.TraceAsync(
            _dashboard,
            traceId,
            t => t.Count(s => s.Name == "dynamo.replica put") >= 3 && t.Count(s => s.Name == "dynamo.replica.serve write") >= 2,
            TraceTimeout);
        var nodes = trace.Where(s => s.Name == "dynamo.replica put").Select(s => s["dynamo.node"]!).Order().ToList();
        string coordinator = trace.Single(s => s.Name == "dynamo.coordinate put").Resource;

        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
            await page.GotoAsync((await _cluster.App.GetDashboardUrlAsync()).ToString());

            await page.GotoAsync(new Uri(_dashboard.BaseAddress!, $"/traces/detail/{traceId}").ToString());
            var body = page.Locator("body");
            await Microsoft.Playwright.Assertions.Expect(body).ToContainTextAsync("dynamo.coordinate put", new() { Timeout = 30_000 });
            foreach (var resource in nodes.Append("router"))
            {
                await Microsoft.Playwright.Assertions.Expect(body).ToContainTextAsync(resource);
            }

            await Microsoft.Playwright.Assertions.Expect(body).ToContainTextAsync("dynamo.replica put");
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "dynamo-dashboard-trace.png"), FullPage = true });

            // The coordinator's dynamo.* instruments (request latency is recorded where requests are coordinated).
            await page.GotoAsync(new Uri(_dashboard.BaseAddress!, "/metrics/resource/" + coordinator).ToString());
            foreach (var instrument in new[] { "dynamo.request.duration", "dynamo.replica.duration", "dynamo.hints.pending", "dynamo.phi", "dynamo.gossip.round.duration" })
            {
                await Microsoft.Playwright.Assertions.Expect(body).ToContainTextAsync(instrument, new() { Timeout = 30_000 });
            }

            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "dynamo-dashboard-metrics.png"), FullPage = true });
        }
    }

    [Fact]
    public async Task ResourceCommandsDoWhatTheySay()
    {
        var commands = _cluster.App.ResourceCommands;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        // The router's view of a node; a node it has not learned of yet (a spare just started) has none.
        async Task<JsonElement?> NodeView(string id)
        {
            using var doc = await _cluster.Client.GetClusterAsync();
            var nodes = doc.RootElement.GetProperty("nodes").EnumerateArray().Where(n => n.GetProperty("id").GetString() == id).ToList();
            return nodes.Count == 1 ? nodes[0].Clone() : null;
        }

        var cut = await commands.ExecuteCommandAsync("node2", "cut-off", timeout.Token);
        Assert.True(cut.Success, cut.Message);
        Assert.True((await _cluster.StatusAsync("node2")).GetProperty("isolated").GetBoolean());
        await Eventually.Until(async () => await NodeView("node2") is { } v && !v.GetProperty("available").GetBoolean(), TimeSpan.FromSeconds(30), "the router to see node2 cut off");
        await _cluster.Client.PutAsync("default", "during-cut-off", "still-served"u8.ToArray());

        var reconnect = await commands.ExecuteCommandAsync("node2", "reconnect", timeout.Token);
        Assert.True(reconnect.Success, reconnect.Message);
        Assert.False((await _cluster.StatusAsync("node2")).GetProperty("isolated").GetBoolean());
        await Eventually.Until(async () => await NodeView("node2") is { } v && v.GetProperty("available").GetBoolean(), TimeSpan.FromSeconds(30), "node2 back");

        long exchanges = (await _cluster.StatusAsync("node1")).GetProperty("stats").GetProperty("antiEntropyExchanges").GetInt64();
        var ae = await commands.ExecuteCommandAsync("node1", "anti-entropy", timeout.Token);
        Assert.True(ae.Success, ae.Message);
        await Eventually.Until(async () => (await _cluster.StatusAsync("node1")).GetProperty("stats").GetProperty("antiEntropyExchanges").GetInt64() > exchanges, TimeSpan.FromSeconds(15), "an anti-entropy exchange");
        await Eventually.Until(async () => (await Traces.SpansAsync(_dashboard, "/api/telemetry/traces?resource=node1&limit=500")).Any(s => s.Name == "dynamo.anti_entropy" && s["dynamo.peer"] is not null), TraceTimeout, "a traced anti-entropy exchange");

        var ring = await commands.ExecuteCommandAsync("seed", "show-ring", timeout.Token);
        Assert.True(ring.Success, ring.Message);
        Assert.Contains("\"epoch\"", ring.Data?.Value ?? "", StringComparison.Ordinal);

        // The spare joins, takes data, and is decommissioned: it hands its partitions off and leaves.
        await _cluster.StartAsync("node5");
        await Eventually.Until(async () => await NodeView("node5") is { } v && v.GetProperty("partitionCount").GetInt32() > 0, TimeSpan.FromSeconds(60), "node5 in the ring");
        for (int i = 0; i < 50; i++)
        {
            await _cluster.Client.PutAsync("default", "spare-" + i, "x"u8.ToArray());
        }

        var decommission = await commands.ExecuteCommandAsync("node5", "decommission", timeout.Token);
        Assert.True(decommission.Success, decommission.Message);
        await Eventually.Until(async () => await NodeView("node5") is { } v && v.GetProperty("status").GetString() == "left", TimeSpan.FromSeconds(120), "node5 handed off and left");
        Assert.Equal(0, (await NodeView("node5"))!.Value.GetProperty("partitionCount").GetInt32());
        Assert.Contains(await Traces.SpansAsync(_dashboard, "/api/telemetry/traces?resource=node5&limit=500"), s => s.Name == "dynamo.handoff");
        for (int i = 0; i < 50; i++)
        {
            Assert.True((await _cluster.Client.GetAsync("default", "spare-" + i, r: 3)).Found);
        }
    }
}
