using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dynamo.Client;

/// <summary>
/// A client of the router's HTTP API (DESIGN §6). Give it an <see cref="HttpClient"/> whose base address
/// is the router (with Aspire service discovery: "http://router"). Siblings come back as
/// <see cref="ReadResult.Siblings"/>; errors as <see cref="DynamoException"/> carrying the problem.
/// </summary>
public sealed class DynamoHttpClient(HttpClient http) : IDynamoClient
{
    public const string ContextHeader = "X-Dynamo-Context";

    public async Task<ReadResult> GetAsync(string table, string key, int? r = null, CancellationToken cancellation = default)
    {
        using var response = await http.GetAsync(KeyUri(table, key, "r", r), cancellation);
        var context = Context(response);
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                return new ReadResult([new VersionedValue(await response.Content.ReadAsByteArrayAsync(cancellation), response.Content.Headers.ContentType?.ToString())], context);
            case HttpStatusCode.MultipleChoices:
                var body = await response.Content.ReadFromJsonAsync<SiblingsBody>(JsonSerializerOptions.Web, cancellation)
                    ?? throw new DynamoException(502, "Bad response", "A 300 without siblings.");
                return new ReadResult([.. body.Siblings.Select(s => new VersionedValue(Convert.FromBase64String(s.Value), s.ContentType))], body.Context);
            case HttpStatusCode.NotFound when await IsMissingKey(response, cancellation):
                return new ReadResult([], context);
            default:
                throw await Problem(response, cancellation);
        }
    }

    public async Task<string> PutAsync(string table, string key, ReadOnlyMemory<byte> value, string? contentType = null, string? context = null, int? w = null, CancellationToken cancellation = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, KeyUri(table, key, "w", w)) { Content = new ReadOnlyMemoryContent(value) };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (!string.IsNullOrEmpty(context))
        {
            request.Headers.Add(ContextHeader, context);
        }

        using var response = await http.SendAsync(request, cancellation);
        return response.StatusCode == HttpStatusCode.NoContent ? Context(response) ?? "" : throw await Problem(response, cancellation);
    }

    public async Task DeleteAsync(string table, string key, string? context = null, int? w = null, CancellationToken cancellation = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, KeyUri(table, key, "w", w));
        if (!string.IsNullOrEmpty(context))
        {
            request.Headers.Add(ContextHeader, context);
        }

        using var response = await http.SendAsync(request, cancellation);
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            throw await Problem(response, cancellation);
        }
    }

    public async Task<TableInfo> PutTableAsync(string table, int n, int r, int w, CancellationToken cancellation = default)
    {
        using var response = await http.PutAsJsonAsync($"tables/{Uri.EscapeDataString(table)}", new { n, r, w }, cancellation);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<TableInfo>(JsonSerializerOptions.Web, cancellation))!
            : throw await Problem(response, cancellation);
    }

    public async Task<TableInfo?> GetTableAsync(string table, CancellationToken cancellation = default)
    {
        using var response = await http.GetAsync($"tables/{Uri.EscapeDataString(table)}", cancellation);
        return response.StatusCode == HttpStatusCode.NotFound
            ? null
            : response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<TableInfo>(JsonSerializerOptions.Web, cancellation) : throw await Problem(response, cancellation);
    }

    /// <summary>GET /cluster, as JSON: nodes, partitions and preference lists.</summary>
    public async Task<JsonDocument> GetClusterAsync(CancellationToken cancellation = default)
    {
        using var response = await http.GetAsync("cluster", cancellation);
        return response.IsSuccessStatusCode
            ? await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellation), cancellationToken: cancellation)
            : throw await Problem(response, cancellation);
    }

    public static string KeyPath(string table, string key) => $"kv/{Uri.EscapeDataString(table)}/{Uri.EscapeDataString(key)}";

    private static string KeyUri(string table, string key, string quorumName, int? quorum) =>
        KeyPath(table, key) + (quorum is { } q ? $"?{quorumName}={q}" : "");

    private static string? Context(HttpResponseMessage response) =>
        response.Headers.TryGetValues(ContextHeader, out var values) ? values.FirstOrDefault() : null;

    // A 404 means "no value" for a key, but "unknown table" must stay an error.
    private static async Task<bool> IsMissingKey(HttpResponseMessage response, CancellationToken cancellation)
    {
        var problem = await ReadProblem(response, cancellation);
        return problem?.Title != "Unknown table";
    }

    private static async Task<DynamoException> Problem(HttpResponseMessage response, CancellationToken cancellation)
    {
        var problem = await ReadProblem(response, cancellation);
        return new DynamoException((int)response.StatusCode, problem?.Title ?? response.ReasonPhrase ?? "Error", problem?.Detail);
    }

    private static async Task<ProblemBody?> ReadProblem(HttpResponseMessage response, CancellationToken cancellation)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<ProblemBody>(JsonSerializerOptions.Web, cancellation);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            return null;
        }
    }

    private sealed record ProblemBody(string? Title, string? Detail);

    private sealed record SiblingBody(string Value, string? ContentType);

    private sealed record SiblingsBody(string Context, List<SiblingBody> Siblings);
}
