using System.Net;
using System.Net.Http.Json;
using System.Text;
using Dynamo.Testing;

namespace Dynamo.Integration.Tests;

/// <summary>Whatever a client sends, the answer is a clear 4xx problem+json, never a 500.</summary>
[Trait("Category", "Integration")]
public sealed class BadInputTests(SharedCluster shared)
{
    private HttpClient Router => shared.Cluster.Router;

    public static TheoryData<string, string, string?, int> Requests() => new()
    {
        { "PUT", "kv/bad%20table/k", "x", 400 },
        { "PUT", "kv/b%2Fad/k", "x", 400 },
        { "GET", "kv/" + new string('t', 256) + "/k", null, 400 },
        { "PUT", "kv/default/", "x", 400 },
        { "GET", "kv/default", null, 400 },
        { "PUT", "kv/default/" + new string('k', 1025), "x", 400 },
        { "GET", "kv/default/%FF%FE", null, 400 },
        { "GET", "kv/default/k?r=0", null, 400 },
        { "GET", "kv/default/k?r=4", null, 400 },
        { "GET", "kv/default/k?r=two", null, 400 },
        { "PUT", "kv/default/k?w=1&w=2", "x", 400 },
        { "PUT", "kv/default/k?w=-1", "x", 400 },
        { "DELETE", "kv/default/k?w=9", null, 400 },
        { "GET", "kv/nosuchtable/k", null, 404 },
        { "PUT", "kv/nosuchtable/k", "x", 404 },
        { "POST", "kv/default/k", "x", 405 },
        { "PATCH", "kv/default/k", "x", 405 },
        { "GET", "nowhere", null, 404 },
        { "PUT", "tables/t1", "{not json", 400 },
        { "PUT", "tables/t1", "{\"n\":3}", 400 },
        { "PUT", "tables/t1", "{\"n\":0,\"r\":1,\"w\":1}", 400 },
        { "PUT", "tables/t1", "{\"n\":9,\"r\":1,\"w\":1}", 400 },
        { "PUT", "tables/t1", "{\"n\":3,\"r\":4,\"w\":1}", 400 },
        { "PUT", "tables/t1", "{\"n\":3,\"r\":1,\"w\":\"2\"}", 400 },
        { "PUT", "tables/t1", "[1,2,3]", 400 },
        { "PUT", "tables/bad%20name", "{\"n\":1,\"r\":1,\"w\":1}", 400 },
        { "GET", "tables/neverdefined", null, 404 },
        { "DELETE", "tables/default", null, 405 },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task IsAProblemWithAClearStatus(string method, string path, string? body, int status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await Router.SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
    }

    /// <summary>A body Kestrel cannot read to the end fails inside the handler: it is still the client's 4xx.</summary>
    [Theory]
    [InlineData("Transfer-Encoding: chunked", "zz\r\nvalue\r\n0\r\n\r\n")]
    [InlineData("Transfer-Encoding: chunked", "5\r\nvalue-longer-than-its-chunk\r\n0\r\n\r\n")]
    [InlineData("Transfer-Encoding: chunked", "FFFFFFFFFFFFFFFFFFFF\r\nx\r\n")] // found by chaos seed 1200523449
    [InlineData("Transfer-Encoding: chunked", "0\r\nX-Trailer: \u0000\r\n\r\n")] // Kestrel throws InvalidOperationException for it (found by chaos seed 602519117)
    public async Task ABrokenRequestBodyIsA400Problem(string framing, string body)
    {
        var endpoint = shared.Cluster.App.GetEndpoint("router", "http");
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(endpoint.Host, endpoint.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"PUT /kv/default/broken-body HTTP/1.1\r\nHost: {endpoint.Authority}\r\n{framing}\r\nConnection: close\r\n\r\n{body}"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        string statusLine = await reader.ReadLineAsync() ?? "";
        Assert.StartsWith("HTTP/1.1 400", statusLine, StringComparison.Ordinal);
        string rest = await reader.ReadToEndAsync();
        Assert.Contains("application/problem+json", rest, StringComparison.Ordinal);
    }

    /// <summary>Requests an HTTP library would refuse to send, written on a raw socket.</summary>
    [Theory]
    [InlineData("GET /kv/default/bad%G1 HTTP/1.1", 400)]
    [InlineData("GET /kv/default/trail% HTTP/1.1", 400)]
    [InlineData("GET /kv/default/%C3%28 HTTP/1.1", 400)]
    [InlineData("PUT /kv/default/k?w=%00 HTTP/1.1", 400)]
    public async Task RawMalformedRequestsAreProblems(string requestLine, int status)
    {
        var endpoint = shared.Cluster.App.GetEndpoint("router", "http");
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(endpoint.Host, endpoint.Port);
        await using var stream = tcp.GetStream();
        var request = Encoding.ASCII.GetBytes($"{requestLine}\r\nHost: {endpoint.Authority}\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx");
        await stream.WriteAsync(request);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        string statusLine = await reader.ReadLineAsync() ?? "";
        Assert.StartsWith($"HTTP/1.1 {status}", statusLine, StringComparison.Ordinal);
        string rest = await reader.ReadToEndAsync();
        Assert.Contains("application/problem+json", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AValueOverTheLimitIs413()
    {
        using var response = await Router.PutAsync("kv/default/big", new ByteArrayContent(new byte[(1 << 20) + 1]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        // Without a Content-Length (chunked), the limit holds too.
        using var chunked = new HttpRequestMessage(HttpMethod.Put, "kv/default/big2") { Content = new StreamContent(new MemoryStream(new byte[(1 << 20) + 10])) };
        chunked.Headers.TransferEncodingChunked = true;
        using var r2 = await Router.SendAsync(chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r2.StatusCode);

        using var exactly = await Router.PutAsync("kv/default/exactly-max", new ByteArrayContent(new byte[1 << 20]));
        Assert.Equal(HttpStatusCode.NoContent, exactly.StatusCode);
    }

    public static TheoryData<string> BadContexts() =>
    [
        "garbage!",
        "AQEFbm9kZTIBAUr34LAHT_ncXJHlavUuFRA",
        Convert.ToBase64String(new byte[40]).TrimEnd('='),
        new string('A', 20_000),
    ];

    [Theory]
    [MemberData(nameof(BadContexts))]
    public async Task AGarbledOrForgedContextIs400(string context)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "kv/default/ctx-target") { Content = new StringContent("x") };
        request.Headers.TryAddWithoutValidation("X-Dynamo-Context", context);
        using var response = await Router.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AContextIssuedForAnotherKeyIs400()
    {
        using var put = await Router.PutAsync("kv/default/ctx-a", new StringContent("a"));
        using var request = new HttpRequestMessage(HttpMethod.Put, "kv/default/ctx-b") { Content = new StringContent("b") };
        request.Headers.Add("X-Dynamo-Context", put.Headers.GetValues("X-Dynamo-Context").Single());
        using var response = await Router.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not issued by this cluster for this key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
