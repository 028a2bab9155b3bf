using System.Net;
using System.Text;
using Dynamo.Testing;

namespace Dynamo.Integration.Tests;

/// <summary>
/// A node down: sloppy quorum keeps W=2 writes and R=2 reads going (paper §4.6), its hints are handed
/// back when it returns, and a read at R=3 then sees every write. Four nodes, so that fallbacks exist.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FailureTests : IAsyncLifetime
{
    private ClusterApp _cluster = null!;

    public async ValueTask InitializeAsync() => _cluster = await ClusterApp.StartAsync(nodes: 4, spares: 0);

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<long> SumStat(string name)
    {
        long total = 0;
        foreach (var node in _cluster.NodeNames)
        {
            total += (await _cluster.StatusAsync(node)).GetProperty("stats").GetProperty(name).GetInt64();
        }

        return total;
    }

    [Fact]
    public async Task SloppyQuorumServesThroughAKilledNodeAndItsHintsComeBack()
    {
        var client = _cluster.Client;
        for (int i = 0; i < 20; i++)
        {
            await client.PutAsync("default", "before-" + i, Encoding.UTF8.GetBytes("b" + i));
        }

        await _cluster.KillAsync("node4");
        await _cluster.WaitUntilSeenDownAsync("node4", ["node1", "node2", "node3"]);
        long hintsBefore = await SumStatOf(["node1", "node2", "node3"], "hintsStored");

        // Every write and read succeeds at W=2 / R=2 while node4 is gone.
        for (int i = 0; i < 60; i++)
        {
            await client.PutAsync("default", "during-" + i, Encoding.UTF8.GetBytes("d" + i), w: 2);
        }

        for (int i = 0; i < 60; i++)
        {
            var read = await client.GetAsync("default", "during-" + i, r: 2);
            Assert.Equal("d" + i, Encoding.UTF8.GetString(read.Value!.Value));
        }

        // Writes meant for node4 went to fallbacks, as hints naming it.
        Assert.True(await SumStatOf(["node1", "node2", "node3"], "hintsStored") > hintsBefore, "no hint was stored for the dead node");

        await _cluster.StartAsync("node4");
        await _cluster.WaitForRingAsync(4);
        await Eventually.Until(async () =>
        {
            foreach (var node in _cluster.NodeNames)
            {
                if ((await _cluster.StatusAsync(node)).GetProperty("hintsPending").GetBoolean())
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(60), "every hint delivered to node4");
        Assert.True(await SumStat("hintsDelivered") > 0);

        // With every replica answering, nothing written is missing.
        for (int i = 0; i < 60; i++)
        {
            var read = await client.GetAsync("default", "during-" + i, r: 3);
            Assert.Equal("d" + i, Encoding.UTF8.GetString(Assert.Single(read.Siblings).Value));
        }

        for (int i = 0; i < 20; i++)
        {
            var read = await client.GetAsync("default", "before-" + i, r: 3);
            Assert.Equal("b" + i, Encoding.UTF8.GetString(read.Value!.Value));
        }
    }

    [Fact]
    public async Task WithOnlyTwoNodesLeftAWriteAtW3IsRefusedAndNotAcknowledged()
    {
        await _cluster.Client.PutAsync("default", "stable", "s"u8.ToArray());
        await _cluster.StopAsync("node3");
        await _cluster.StopAsync("node4");
        await _cluster.WaitUntilSeenDownAsync("node3", ["node1", "node2"]);
        await _cluster.WaitUntilSeenDownAsync("node4", ["node1", "node2"]);
        try
        {
            using var response = await _cluster.Router.PutAsync("kv/default/refused?w=3", new StringContent("never"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.False(response.Headers.Contains("X-Dynamo-Context"), "a refused write must not hand out a context");
            string body = await response.Content.ReadAsStringAsync();
            Assert.Contains("\"required\":3", body, StringComparison.Ordinal);
            Assert.Contains("w", body, StringComparison.Ordinal);

            // The two live nodes still serve what the quorums they can form allow.
            var read = await _cluster.Client.GetAsync("default", "stable", r: 1);
            Assert.Equal("s", Encoding.UTF8.GetString(read.Value!.Value));
            using var r3 = await _cluster.Router.GetAsync("kv/default/stable?r=3");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r3.StatusCode);
        }
        finally
        {
            await _cluster.StartAsync("node3");
            await _cluster.StartAsync("node4");
        }
    }

    private async Task<long> SumStatOf(string[] nodes, string name)
    {
        long total = 0;
        foreach (var node in nodes)
        {
            total += (await _cluster.StatusAsync(node)).GetProperty("stats").GetProperty(name).GetInt64();
        }

        return total;
    }
}
