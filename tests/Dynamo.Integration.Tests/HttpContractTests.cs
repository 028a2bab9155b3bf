using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Integration.Tests;

/// <summary>The public HTTP API of DESIGN §6, against real processes.</summary>
[Trait("Category", "Integration")]
public sealed class HttpContractTests(SharedCluster shared)
{
    private HttpClient Router => shared.Cluster.Router;

    private static string NewKey(string prefix = "k") => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    private static string Context(HttpResponseMessage r) => Assert.Single(r.Headers.GetValues("X-Dynamo-Context"));

    [Fact]
    public async Task PutGetDeleteRoundTrip()
    {
        string key = NewKey();
        using var put = await Router.PutAsync($"kv/default/{key}", new StringContent("hello", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.NotEmpty(Context(put));

        using var get = await Router.GetAsync($"kv/default/{key}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("hello", await get.Content.ReadAsStringAsync());
        Assert.StartsWith("text/plain", get.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"kv/default/{key}") { Headers = { { "X-Dynamo-Context", Context(get) } } };
        using var deleted = await Router.SendAsync(delete);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var gone = await Router.GetAsync($"kv/default/{key}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task ABlindDeleteRemovesTheCurrentValue()
    {
        string key = NewKey();
        (await Router.PutAsync($"kv/default/{key}", new StringContent("v"))).Dispose();
        using var deleted = await Router.DeleteAsync($"kv/default/{key}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await Router.GetAsync($"kv/default/{key}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task TwoWritesFromTheSameContextAreSiblingsUntilAWriteWithTheirContextResolvesThem()
    {
        string key = NewKey();
        using var first = await Router.PutAsync($"kv/default/{key}", new StringContent("base"));
        string ctx = Context(first);
        foreach (var v in new[] { "A", "B" })
        {
            using var req = new HttpRequestMessage(HttpMethod.Put, $"kv/default/{key}") { Content = new StringContent(v, Encoding.UTF8, "text/plain") };
            req.Headers.Add("X-Dynamo-Context", ctx);
            using var r = await Router.SendAsync(req);
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }

        using var conflict = await Router.GetAsync($"kv/default/{key}?r=3");
        Assert.Equal(HttpStatusCode.MultipleChoices, conflict.StatusCode);
        Assert.Equal("application/json", conflict.Content.Headers.ContentType!.MediaType);
        var body = await conflict.Content.ReadFromJsonAsync<JsonElement>();
        var siblings = body.GetProperty("siblings").EnumerateArray().ToList();
        Assert.Equal(["A", "B"], siblings.Select(s => Encoding.UTF8.GetString(Convert.FromBase64String(s.GetProperty("value").GetString()!))).Order());
        Assert.All(siblings, s => Assert.StartsWith("text/plain", s.GetProperty("contentType").GetString(), StringComparison.Ordinal));
        string merged = body.GetProperty("context").GetString()!;
        Assert.Equal(merged, Context(conflict));

        using var resolve = new HttpRequestMessage(HttpMethod.Put, $"kv/default/{key}") { Content = new StringContent("A+B") };
        resolve.Headers.Add("X-Dynamo-Context", merged);
        (await Router.SendAsync(resolve)).Dispose();
        using var resolved = await Router.GetAsync($"kv/default/{key}?r=3");
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal("A+B", await resolved.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TablesCarryTheirOwnQuorumsAndRequestsMayOverrideThem()
    {
        string table = "t" + Guid.NewGuid().ToString("N")[..8];
        using var created = await Router.PutAsJsonAsync($"tables/{table}", new { n = 2, r = 1, w = 1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var settings = await Router.GetFromJsonAsync<JsonElement>($"tables/{table}");
        Assert.Equal((2, 1, 1), (settings.GetProperty("n").GetInt32(), settings.GetProperty("r").GetInt32(), settings.GetProperty("w").GetInt32()));

        using var updated = await Router.PutAsJsonAsync($"tables/{table}", new { n = 2, r = 2, w = 2 });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(2, (await Router.GetFromJsonAsync<JsonElement>($"tables/{table}")).GetProperty("r").GetInt32());

        using var put = await Router.PutAsync($"kv/{table}/k?w=1", new StringContent("x"));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using var read = await Router.GetAsync($"kv/{table}/k?r=2");
        Assert.Equal("x", await read.Content.ReadAsStringAsync());
        using var tooMany = await Router.GetAsync($"kv/{table}/k?r=3");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);

        using var all = await Router.GetAsync("kv/default/nothing-here?r=3");
        Assert.Equal(HttpStatusCode.NotFound, all.StatusCode);
        using var w3 = await Router.PutAsync($"kv/default/{NewKey()}?w=3", new StringContent("y"));
        Assert.Equal(HttpStatusCode.NoContent, w3.StatusCode);
    }

    [Fact]
    public async Task KeysArePercentDecodedExactly()
    {
        string key = "päth/with spaces&?#%/" + Guid.NewGuid().ToString("N")[..6];
        using var put = await Router.PutAsync("kv/default/" + Uri.EscapeDataString(key), new StringContent("odd"));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        var read = await shared.Cluster.Client.GetAsync("default", key);
        Assert.Equal("odd", Encoding.UTF8.GetString(read.Value!.Value));

        // "a%2Fb" and "a/b" name the same key; "a%252Fb" does not.
        string stem = NewKey("slash");
        (await Router.PutAsync($"kv/default/{stem}%2Fb", new StringContent("1"))).Dispose();
        using var literal = await Router.GetAsync($"kv/default/{stem}/b");
        Assert.Equal("1", await literal.Content.ReadAsStringAsync());
        using var doubleEncoded = await Router.GetAsync($"kv/default/{stem}%252Fb");
        Assert.Equal(HttpStatusCode.NotFound, doubleEncoded.StatusCode);
    }

    [Fact]
    public async Task AContextFromAReadOfADeletedKeyLetsAWriteSupersedeTheTombstone()
    {
        string key = NewKey();
        (await Router.PutAsync($"kv/default/{key}", new StringContent("v1"))).Dispose();
        (await Router.DeleteAsync($"kv/default/{key}")).Dispose();
        using var gone = await Router.GetAsync($"kv/default/{key}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var req = new HttpRequestMessage(HttpMethod.Put, $"kv/default/{key}") { Content = new StringContent("v2") };
        req.Headers.Add("X-Dynamo-Context", Context(gone));
        (await Router.SendAsync(req)).Dispose();
        using var back = await Router.GetAsync($"kv/default/{key}?r=3");
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal("v2", await back.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheClusterViewListsNodesPartitionsAndPreferenceLists()
    {
        using var doc = await shared.Cluster.Client.GetClusterAsync();
        var root = doc.RootElement;
        Assert.Equal(64, root.GetProperty("partitions").GetInt32());
        var nodes = root.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(["node1", "node2", "node3"], nodes.Select(n => n.GetProperty("id").GetString()).Order());
        foreach (var n in nodes)
        {
            Assert.Equal("up", n.GetProperty("status").GetString());
            Assert.StartsWith("http://", n.GetProperty("address").GetString(), StringComparison.Ordinal);
            Assert.Equal(1, n.GetProperty("capacity").GetInt32());
            Assert.True(n.TryGetProperty("zone", out _));
            Assert.InRange(n.GetProperty("partitionCount").GetInt32(), 20, 23);
        }

        Assert.Equal(64, nodes.Sum(n => n.GetProperty("partitionCount").GetInt32()));
        var lists = root.GetProperty("preferenceLists").EnumerateArray().ToList();
        Assert.Equal(64, lists.Count);
        Assert.All(lists, l => Assert.Equal(3, l.GetProperty("nodes").EnumerateArray().Select(x => x.GetString()).Distinct().Count()));
    }

    [Fact]
    public async Task ThePartitionAwareClientTalksToCoordinatorsDirectly()
    {
        using var client = await Dynamo.Client.PartitionAwareClient.ConnectAsync(
            new Dynamo.Client.PartitionAwareClientOptions
            {
                ClusterSecret = ClusterApp.ClusterSecret,
                Seeds = [$"seed={shared.Cluster.App.GetEndpoint("seed", "grpc").ToString().TrimEnd('/')}"],
            },
            TimeSpan.FromSeconds(30));
        string key = NewKey("direct");
        string context = await client.PutAsync("default", key, "via-grpc"u8.ToArray(), "text/plain");
        Assert.NotEmpty(context);
        var viaRouter = await shared.Cluster.Client.GetAsync("default", key);
        Assert.Equal("via-grpc", Encoding.UTF8.GetString(viaRouter.Value!.Value));

        // Read-modify-write with a merge of siblings, through the helper both clients share.
        await Dynamo.Client.DynamoClientExtensions.UpdateAsync(client, "default", key, read => [.. read.Siblings.SelectMany(s => s.Value), .. "!"u8]);
        Assert.Equal("via-grpc!", Encoding.UTF8.GetString((await client.GetAsync("default", key)).Value!.Value));
    }
}
