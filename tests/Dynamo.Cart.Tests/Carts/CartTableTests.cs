using System.Net;
using System.Text;
using Dynamo.Cart.Carts;
using Dynamo.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dynamo.Cart.Tests.Carts;

/// <summary>The carts table is created once, with N replicas, waiting while the ring is still forming.</summary>
public sealed class CartTableTests
{
    private sealed class Router(int upNodes, bool exists) : HttpMessageHandler
    {
        public List<string> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add($"{request.Method} {request.RequestUri!.AbsolutePath} {body}".Trim());
            return (request.Method.Method, request.RequestUri.AbsolutePath) switch
            {
                ("GET", "/tables/carts") when exists => Json(HttpStatusCode.OK, """{"name":"carts","n":3,"r":2,"w":2}"""),
                ("GET", "/tables/carts") => Json(HttpStatusCode.NotFound, """{"title":"Unknown table"}"""),
                ("GET", "/cluster") => Json(HttpStatusCode.OK, "{\"nodes\":[" + string.Join(',', Enumerable.Range(1, upNodes).Select(i => $"{{\"id\":\"node{i}\",\"status\":\"up\"}}")) + "]}"),
                ("PUT", "/tables/carts") => Json(HttpStatusCode.Created, body.Replace("{", "{\"name\":\"carts\",", StringComparison.Ordinal)),
                _ => new HttpResponseMessage(HttpStatusCode.NotFound),
            };
        }

        private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
            new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }

    private static CartTable Table(Router router, int waitSeconds) =>
        new(() => new DynamoHttpClient(new HttpClient(router, disposeHandler: false) { BaseAddress = new Uri("http://router/") }), Options.Create(new CartOptions { TableWaitSeconds = waitSeconds }), TimeProvider.System, NullLogger<CartTable>.Instance);

    [Fact]
    public async Task CreatesTheTableWithNReplicasOnceTheRingHasThem()
    {
        var router = new Router(upNodes: 3, exists: false);
        using var table = Table(router, 60);
        var info = await table.EnsureAsync();
        Assert.Equal((3, 2, 2), (info.N, info.R, info.W));
        Assert.Contains("PUT /tables/carts {\"n\":3,\"r\":2,\"w\":2}", router.Requests);

        // Known from now on: no more requests.
        int before = router.Requests.Count;
        await table.EnsureAsync();
        Assert.Equal(before, router.Requests.Count);
    }

    [Fact]
    public async Task WaitsForTheRingThenSettlesForTheNodesThereAre()
    {
        var forming = new Router(upNodes: 2, exists: false);
        using var waiting = Table(forming, 60);
        var ex = await Assert.ThrowsAsync<DynamoException>(() => waiting.EnsureAsync());
        Assert.True(ex.IsUnavailable);
        Assert.DoesNotContain(forming.Requests, r => r.StartsWith("PUT", StringComparison.Ordinal));

        var small = new Router(upNodes: 2, exists: false);
        using var settling = Table(small, 0);
        var info = await settling.EnsureAsync();
        Assert.Equal((2, 2, 2), (info.N, info.R, info.W));
    }

    [Fact]
    public async Task AnExistingTableIsLeftAsItIs()
    {
        var router = new Router(upNodes: 5, exists: true);
        using var table = Table(router, 60);
        Assert.Equal(3, (await table.EnsureAsync()).N);
        Assert.Equal(["GET /tables/carts"], router.Requests);
    }
}
