using System.Net;
using Dynamo.Cart.Cluster;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Cart.Tests.Cluster;

/// <summary>The node admin client: which nodes it knows, the admin key it sends, and failures in words.</summary>
public sealed class HttpNodeAdminTests
{
    private sealed class Handler(HttpStatusCode status, string body = "{}") : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body) });
        }
    }

    private sealed class Factory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }

    private static IConfiguration Config(string? adminKey) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["services:router:http:0"] = "http://localhost:8080",
        ["services:node2:http:0"] = "http://localhost:5002",
        ["services:node1:http:0"] = "http://localhost:5001",
        ["services:node1:grpc:0"] = "http://localhost:6001",
        ["Dynamo:AdminKey"] = adminKey,
    }).Build();

    [Fact]
    public async Task KnowsTheReferencedNodesAndSendsTheAdminKey()
    {
        using var handler = new Handler(HttpStatusCode.OK, """{"isolated":true,"hintsPending":true,"stats":{"hintsStored":4,"readRepairs":2}}""");
        var admin = new HttpNodeAdmin(new Factory(handler), Config("secret-key"));

        Assert.Equal(["node1", "node2"], admin.Nodes);
        Assert.True(admin.CanManage("node1"));
        Assert.False(admin.CanManage("router"));

        var status = await admin.StatusAsync("node1");
        Assert.True(status.Isolated);
        Assert.Equal((4L, 2L), (status.HintsStored, status.ReadRepairs));
        await admin.IsolateAsync("node2");

        Assert.Equal(["GET http://node1/admin/status", "POST http://node2/admin/isolate"], handler.Requests.Select(r => $"{r.Method} {r.RequestUri}"));
        Assert.All(handler.Requests, r => Assert.Equal("secret-key", Assert.Single(r.Headers.GetValues(HttpNodeAdmin.AdminKeyHeader))));
    }

    [Fact]
    public async Task RefusalsAndAMissingKeyAreExplained()
    {
        using var handler = new Handler(HttpStatusCode.Unauthorized);
        var admin = new HttpNodeAdmin(new Factory(handler), Config("wrong"));
        var refused = await Assert.ThrowsAsync<NodeAdminException>(() => admin.ReconnectAsync("node1"));
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);

        var keyless = new HttpNodeAdmin(new Factory(handler), Config(null));
        Assert.NotNull(keyless.Unavailable);
        Assert.False(keyless.CanManage("node1"));
        await Assert.ThrowsAsync<NodeAdminException>(() => keyless.IsolateAsync("node1"));
    }
}
