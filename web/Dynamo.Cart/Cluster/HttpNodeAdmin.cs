using System.Text.Json;

namespace Dynamo.Cart.Cluster;

/// <summary>
/// Calls a node's admin API at "http://{node}" (Aspire service discovery: the AppHost gives the cart a
/// reference to every storage node) with the admin key in X-Dynamo-Admin-Key.
/// </summary>
public sealed class HttpNodeAdmin : INodeAdmin
{
    public const string ClientName = "node-admin";
    public const string AdminKeyHeader = "X-Dynamo-Admin-Key";

    // A stopped node's proxied port may accept and hang; the cluster page must not wait for it.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(4);

    private readonly IHttpClientFactory _http;
    private readonly string? _adminKey;

    public HttpNodeAdmin(IHttpClientFactory http, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _http = http;
        _adminKey = configuration["Dynamo:AdminKey"];

        // services:{name}:http:0 is what WithReference(node) injects; the router is a reference too, not a node.
        Nodes = [.. configuration.GetSection("services").GetChildren()
            .Where(s => s.Key != "router" && s.GetSection("http").Exists())
            .Select(s => s.Key)
            .Order(StringComparer.Ordinal)];
    }

    public IReadOnlyList<string> Nodes { get; }

    public string? Unavailable => string.IsNullOrEmpty(_adminKey)
        ? "No admin key is configured (Dynamo:AdminKey), so nodes cannot be cut off from here."
        : null;

    public bool CanManage(string node) => Unavailable is null && Nodes.Contains(node, StringComparer.Ordinal);

    public async Task<NodeAdminStatus> StatusAsync(string node, CancellationToken cancellation = default)
    {
        using var response = await SendAsync(HttpMethod.Get, node, "/admin/status", cancellation);
        using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellation), cancellationToken: cancellation);
        return NodeAdminStatus.Parse(doc.RootElement);
    }

    public async Task IsolateAsync(string node, CancellationToken cancellation = default) =>
        (await SendAsync(HttpMethod.Post, node, "/admin/isolate", cancellation)).Dispose();

    public async Task ReconnectAsync(string node, CancellationToken cancellation = default) =>
        (await SendAsync(HttpMethod.Post, node, "/admin/reconnect", cancellation)).Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string node, string path, CancellationToken cancellation)
    {
        if (!CanManage(node))
        {
            throw new NodeAdminException(Unavailable ?? $"The cart has no reference to {node}.");
        }

        using var request = new HttpRequestMessage(method, new Uri($"http://{node}{path}"));
        request.Headers.Add(AdminKeyHeader, _adminKey);
        var client = _http.CreateClient(ClientName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(CallTimeout);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or Polly.ExecutionRejectedException && !cancellation.IsCancellationRequested)
        {
            throw new NodeAdminException($"{node} did not answer (is its process running?).", ex);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw new NodeAdminException($"{node} refused {method} {path}: HTTP {(int)response.StatusCode}.");
            }
        }

        return response;
    }
}
