using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Integration.Tests;

/// <summary>
/// The seed and Redis are contact point and record, never on the data path (DESIGN §1, §5): with either
/// down reads and writes go on, and a restarted seed reads its membership record back from Redis.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SeedAndRedisTests(ITestOutputHelper output) : IAsyncLifetime
{
    private ClusterApp _cluster = null!;

    public async ValueTask InitializeAsync() => _cluster = await ClusterApp.StartAsync(nodes: 3, spares: 0);

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    private void Step(string what)
    {
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {what}");
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "seed-test.log"), $"{DateTime.UtcNow:HH:mm:ss.fff} {what}\n");
    }

    private async Task ReadsAndWritesWork(string prefix)
    {
        Step("reads and writes: " + prefix);
        for (int i = 0; i < 20; i++)
        {
            await _cluster.Client.PutAsync("default", $"{prefix}-{i}", Encoding.UTF8.GetBytes(prefix + i));
        }

        for (int i = 0; i < 20; i++)
        {
            var read = await _cluster.Client.GetAsync("default", $"{prefix}-{i}");
            Assert.Equal(prefix + i, Encoding.UTF8.GetString(read.Value!.Value));
        }
    }

    [Fact]
    public async Task TheClusterServesWithoutTheSeedOrRedisAndTheSeedRecoversItsRecord()
    {
        using (var admin = _cluster.Admin("seed"))
        {
            await Eventually.Until(async () => (await admin.GetStringAsync("/admin/history")).Contains("ring epoch", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the ring recorded in Redis");
        }

        Step("stopping seed");
        await _cluster.StopAsync("seed");
        await ReadsAndWritesWork("no-seed");

        // The restarted seed reads its record back from Redis when it starts, before it hears any gossip.
        Step("starting seed");
        await _cluster.StartAsync("seed");
        using (var admin = _cluster.Admin("seed"))
        {
            var members = await admin.GetFromJsonAsync<JsonElement>("/admin/members");
            Assert.Equal(3, members.GetProperty("restoredFromRedis").GetProperty("members").GetInt32());
            Assert.True(members.GetProperty("restoredFromRedis").GetProperty("ringEpoch").GetInt64() > 0);
            Assert.Equal(["node1", "node2", "node3"], members.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("id").GetString()).Order());
            Assert.All(members.GetProperty("members").EnumerateArray(), m => Assert.Equal("up", m.GetProperty("status").GetString()));
        }

        await _cluster.StopAsync("cache");
        await ReadsAndWritesWork("no-redis");

        // A membership change while Redis is down is held by the seed, then written when Redis is back.
        using (var admin = _cluster.Admin("seed"))
        {
            var members = await admin.GetFromJsonAsync<JsonElement>("/admin/members");
            Assert.False(members.GetProperty("redisConnected").GetBoolean());
        }

        await _cluster.StartAsync("cache");
        await ReadsAndWritesWork("redis-back");
        using (var admin = _cluster.Admin("seed"))
        {
            await Eventually.Until(async () => (await admin.GetFromJsonAsync<JsonElement>("/admin/members")).GetProperty("redisConnected").GetBoolean(), TimeSpan.FromSeconds(30), "the seed reconnected to Redis");
            var history = await admin.GetStringAsync("/admin/history");
            Assert.Contains("ring epoch", history, StringComparison.Ordinal);
        }
    }
}
