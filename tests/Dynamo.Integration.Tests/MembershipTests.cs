using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Integration.Tests;

/// <summary>
/// Explicit membership changes under load (paper §4.8.1, §4.9): a fourth node starts and joins, another is
/// decommissioned, and continuous writes go on; every acknowledged write stays readable.
/// </summary>
[Trait("Category", "Integration")]
public sealed class MembershipTests : IAsyncLifetime
{
    private ClusterApp _cluster = null!;

    public async ValueTask InitializeAsync() => _cluster = await ClusterApp.StartAsync(nodes: 3, spares: 1);

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<List<JsonElement>> Nodes()
    {
        using var doc = await _cluster.Client.GetClusterAsync();
        return [.. doc.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.Clone())];
    }

    [Fact]
    public async Task ANodeJoinsAndAnotherLeavesWhileWritesContinueAndNoAcknowledgedWriteIsLost()
    {
        var acknowledged = new ConcurrentDictionary<string, string>();
        using var stop = new CancellationTokenSource();
        int failures = 0;
        var writer = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                string key = "m-" + i;
                try
                {
                    await _cluster.Client.PutAsync("default", key, Encoding.UTF8.GetBytes("v" + i));
                    acknowledged[key] = "v" + i;
                }
                catch (Dynamo.Client.DynamoException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });

        await Eventually.Until(async () => acknowledged.Count > 50, TimeSpan.FromSeconds(30), "writes flowing");

        // A spare node starts, is admitted by the seed, and the claimant gives it its share of partitions.
        await _cluster.StartAsync("node4");
        await Eventually.Until(async () => (await Nodes()).Any(n => n.GetProperty("id").GetString() == "node4" && n.GetProperty("status").GetString() == "up" && n.GetProperty("partitionCount").GetInt32() > 0), TimeSpan.FromSeconds(60), "node4 in the ring");

        // node1 is decommissioned through the seed's admin API; it hands its data off, then leaves.
        using (var seed = _cluster.Admin("seed"))
        {
            using var leave = await seed.PostAsync("/admin/nodes/node1/leave", null);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, leave.StatusCode);
        }

        await Eventually.Until(async () => (await Nodes()).Any(n => n.GetProperty("id").GetString() == "node1" && n.GetProperty("status").GetString() == "left"), TimeSpan.FromSeconds(120), "node1 to hand off and leave");
        await Eventually.Until(async () => acknowledged.Count > 300, TimeSpan.FromSeconds(60), "more writes after the changes");
        await stop.CancelAsync();
        await writer;

        var nodes = await Nodes();
        Assert.Equal(0, nodes.Single(n => n.GetProperty("id").GetString() == "node1").GetProperty("partitionCount").GetInt32());
        Assert.Equal(64, nodes.Sum(n => n.GetProperty("partitionCount").GetInt32()));

        // Every acknowledged write is readable, at R=3 from the three remaining replicas.
        foreach (var (key, value) in acknowledged)
        {
            var read = await _cluster.Client.GetAsync("default", key, r: 3);
            Assert.True(read.Found, $"{key} lost");
            Assert.Equal(value, Encoding.UTF8.GetString(read.Value!.Value));
        }

        // The seed recorded who changed what, with old and new rings.
        using var admin = _cluster.Admin("seed");
        var history = await admin.GetStringAsync("/admin/history");
        Assert.Contains("node4 joined", history, StringComparison.Ordinal);
        Assert.Contains("node1 is leaving", history, StringComparison.Ordinal);
        Assert.Contains("\"who\":\"admin\"", history, StringComparison.Ordinal);
        Assert.Contains("oldRing", history, StringComparison.Ordinal);
    }
}
