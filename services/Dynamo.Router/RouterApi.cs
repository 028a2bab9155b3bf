using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Dynamo.Client;
using Dynamo.DynamoDb.Protocol;
using Dynamo.Core.Membership;
using Dynamo.Core.Replication;
using Dynamo.Protos;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using TableSettings = Dynamo.Core.Membership.TableSettings;

namespace Dynamo.Router;

/// <summary>
/// The public HTTP API (DESIGN §6): keys and values under /kv, tables under /tables, the ring under
/// /cluster. Every error is RFC 7807 problem+json with a 4xx for what the client sent and a 503 when the
/// cluster cannot answer; nothing a client sends can produce a 500.
/// </summary>
public static class RouterApi
{
    public const string ContextHeader = "X-Dynamo-Context";
    public const string ApiKeyHeader = "X-Dynamo-Api-Key";
    private const int MaxTableBodyBytes = 16 * 1024;

    private static readonly System.Diagnostics.Metrics.Meter Meter = new("Dynamo.Router", "1.0");

    private static readonly System.Diagnostics.Metrics.Histogram<double> Duration = Meter.CreateHistogram<double>(
        "dynamo.router.request.duration", "ms", "Router requests from arrival to answer, by operation and status.");

    public static void MapRouterApi(this WebApplication app)
    {
        var api = app.MapGroup("").AddEndpointFilter(async (ctx, next) =>
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = await next(ctx);
            var http = ctx.HttpContext;
            string operation = http.Request.Path.StartsWithSegments("/kv") ? http.Request.Method.ToLowerInvariant() : http.Request.Path.StartsWithSegments("/tables") ? "table" : "other";
            int status = result is IStatusCodeHttpResult { StatusCode: int code } ? code : http.Response.StatusCode;
            Duration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, new("dynamo.operation", operation), new("http.response.status_code", status));
            return result;
        }).AddEndpointFilter(async (ctx, next) =>
        {
            var key = ctx.HttpContext.RequestServices.GetRequiredService<IOptions<RouterOptions>>().Value.ApiKey;
            var path = ctx.HttpContext.Request.Path;
            bool guarded = path.StartsWithSegments("/kv") || path.StartsWithSegments("/tables");
            return !guarded || string.IsNullOrEmpty(key) || StorageNodeKeyEquals(key, ctx.HttpContext.Request.Headers[ApiKeyHeader])
                ? await next(ctx)
                : Problem(StatusCodes.Status401Unauthorized, "API key required", $"Send the API key in the {ApiKeyHeader} header.");
        });

        api.MapGet("/kv/{table}/{**key}", Get);
        api.MapPut("/kv/{table}/{**key}", Put);
        api.MapDelete("/kv/{table}/{**key}", Delete);
        api.MapMethods("/kv/{table}", ["GET", "PUT", "DELETE"], () => Problem(StatusCodes.Status400BadRequest, "Key required", "A key is required: /kv/{table}/{key}, the key percent-encoded."));
        api.MapPut("/tables/{table}", PutTable);
        api.MapGet("/tables/{table}", GetTable);
        api.MapGet("/cluster", ClusterInfo.Describe);
        api.MapGet("/", () => Results.Ok(new
        {
            service = "Dynamo router",
            api = new[] { "PUT|GET|DELETE /kv/{table}/{key}", "PUT|GET /tables/{table}", "GET /cluster" },
        }));
    }

    private static async Task<IResult> Get(HttpContext http, ClusterView view, Forwarder forwarder, CancellationToken ct)
    {
        if (Parse(http, view, out var table, out var key, out var settings) is { } bad)
        {
            return bad;
        }

        if (Quorum(http, "r", settings, out int r) is { } badR)
        {
            return badR;
        }

        var request = new GetRequest { Table = table, Key = key, R = r, Settings = ProtoMapper.ToProto(settings) };
        var outcome = await forwarder.SendAsync(table, key, settings, idempotent: true, (c, o) => new Coordinator.CoordinatorClient(c).GetAsync(request, o).ResponseAsync, ct);
        if (outcome.Reply is not { } reply)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, outcome.Title, outcome.Detail);
        }

        if (reply.Status == ClientStatus.Ok && reply.Siblings.Count == 1)
        {
            var value = reply.Siblings[0];
            http.Response.Headers[ContextHeader] = reply.Context;
            return Results.Bytes(value.Data.ToByteArray(), string.IsNullOrEmpty(value.ContentType) ? "application/octet-stream" : value.ContentType);
        }

        if (reply.Status == ClientStatus.Ok)
        {
            http.Response.Headers[ContextHeader] = reply.Context;
            return Results.Json(
                new SiblingsBody(reply.Context, [.. reply.Siblings.Select(s => new SiblingBody(Convert.ToBase64String(s.Data.Span), string.IsNullOrEmpty(s.ContentType) ? null : s.ContentType))]),
                statusCode: StatusCodes.Status300MultipleChoices);
        }

        return FromStatus(http, reply);
    }

    private static async Task<IResult> Put(HttpContext http, ClusterView view, Forwarder forwarder, IOptions<RouterOptions> options, CancellationToken ct)
    {
        if (Parse(http, view, out var table, out var key, out var settings) is { } bad)
        {
            return bad;
        }

        if (Quorum(http, "w", settings, out int w) is { } badW)
        {
            return badW;
        }

        if (Context(http, view, table, key, out var context) is { } badContext)
        {
            return badContext;
        }

        int max = options.Value.MaxValueBytes;
        if (http.Request.ContentLength > max)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Value too large", $"A value is at most {max} bytes.");
        }

        var body = await ReadBody(http, max, ct);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Value too large", $"A value is at most {max} bytes.");
        }

        var value = new Value { Data = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(body), ContentType = http.Request.ContentType ?? "" };
        if (value.ContentType.Length > Dynamo.Core.Versioning.ObjectCodec.MaxContentTypeBytes)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad content type", "The Content-Type is longer than 256 bytes.");
        }

        return await Write(http, forwarder, table, key, settings, value, context, w, ct);
    }

    private static async Task<IResult> Delete(HttpContext http, ClusterView view, Forwarder forwarder, CancellationToken ct)
    {
        if (Parse(http, view, out var table, out var key, out var settings) is { } bad)
        {
            return bad;
        }

        if (Quorum(http, "w", settings, out int w) is { } badW)
        {
            return badW;
        }

        if (Context(http, view, table, key, out var context) is { } badContext)
        {
            return badContext;
        }

        // A delete without a context would not cover what it means to delete (it would become a sibling of
        // it); read the current context first, as a blind delete intends.
        if (context.Length == 0)
        {
            var read = new GetRequest { Table = table, Key = key, Settings = ProtoMapper.ToProto(settings) };
            var current = await forwarder.SendAsync(table, key, settings, idempotent: true, (c, o) => new Coordinator.CoordinatorClient(c).GetAsync(read, o).ResponseAsync, ct);
            if (current.Reply is not { } found)
            {
                return Problem(StatusCodes.Status503ServiceUnavailable, current.Title, current.Detail);
            }

            if (found.Status is not (ClientStatus.Ok or ClientStatus.NotFound))
            {
                return FromStatus(http, found);
            }

            context = found.Context;
        }

        return await Write(http, forwarder, table, key, settings, new Value { Tombstone = true }, context, w, ct);
    }

    private static async Task<IResult> Write(HttpContext http, Forwarder forwarder, string table, string key, TableSettings settings, Value value, string context, int w, CancellationToken ct)
    {
        var request = new PutRequest { Table = table, Key = key, Value = value, Context = context, W = w, Settings = ProtoMapper.ToProto(settings) };
        var outcome = await forwarder.SendAsync(table, key, settings, idempotent: false, (c, o) => new Coordinator.CoordinatorClient(c).PutAsync(request, o).ResponseAsync, ct);
        if (outcome.Reply is not { } reply)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, outcome.Title, outcome.Detail);
        }

        if (reply.Status == ClientStatus.Ok)
        {
            http.Response.Headers[ContextHeader] = reply.Context;
            return Results.NoContent();
        }

        return FromStatus(http, reply);
    }

    private static IResult FromStatus(HttpContext http, Protos.ClientReply reply)
    {
        switch (reply.Status)
        {
            case ClientStatus.NotFound:
                if (!string.IsNullOrEmpty(reply.Context))
                {
                    http.Response.Headers[ContextHeader] = reply.Context;
                }

                return Problem(StatusCodes.Status404NotFound, "Not found", "The key has no value (never written, or deleted).");
            case ClientStatus.BadRequest:
                return Problem(StatusCodes.Status400BadRequest, "Bad request", reply.Error);
            case ClientStatus.UnknownTable:
                return Problem(StatusCodes.Status404NotFound, "Unknown table", reply.Error);
            default:
                return Problem(
                    StatusCodes.Status503ServiceUnavailable,
                    "Quorum not met",
                    string.IsNullOrEmpty(reply.Error) ? $"{reply.Replied} of {reply.Required} replicas answered." : reply.Error,
                    new Dictionary<string, object?> { ["replied"] = reply.Replied, ["required"] = reply.Required });
        }
    }

    private static async Task<IResult> PutTable(HttpContext http, string table, ClusterView view, IOptions<RouterOptions> options, CancellationToken ct)
    {
        if (!TableSettings.IsValidName(table))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad table name", "A table name is 1 to 255 characters of A-Z, a-z, 0-9, '_', '.', '-'.");
        }

        var raw = await ReadBody(http, MaxTableBodyBytes, ct);
        if (raw is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"Table settings are at most {MaxTableBodyBytes} bytes of JSON.");
        }

        TableBody? body;
        try
        {
            body = JsonSerializer.Deserialize<TableBody>(raw, JsonOptions);
        }
        catch (JsonException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed JSON", ex.Message);
        }

        if (body is not { N: { } n, R: { } r, W: { } w })
        {
            return Problem(StatusCodes.Status400BadRequest, "Missing settings", "The body must be a JSON object with integer n, r and w, e.g. {\"n\":3,\"r\":2,\"w\":2}.");
        }

        var ring = view.State.Ring;
        if (TableSettings.Validate(n, r, w, ring?.Members.Count ?? 0) is { } invalid)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad table settings", invalid);
        }

        if (ring is null)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "No storage nodes", "The cluster has no ring yet.");
        }

        var request = new PutTableRequest { Name = table, N = n, R = r, W = w };
        var headers = view.Credentials.Headers(view.Self);
        foreach (var node in ring.Members.Select(m => m.Id).Where(view.IsAvailable).Take(3))
        {
            if (view.AddressOf(node) is not { } address)
            {
                continue;
            }

            try
            {
                var reply = await new Coordinator.CoordinatorClient(view.Channels.For(address)).PutTableAsync(request, new Grpc.Core.CallOptions(headers, DateTime.UtcNow.AddMilliseconds(options.Value.RequestTimeoutMs), ct));
                if (!string.IsNullOrEmpty(reply.Error))
                {
                    return Problem(StatusCodes.Status400BadRequest, "Bad table settings", reply.Error);
                }

                var settings = ProtoMapper.FromProto(reply.Settings)!;
                view.Learn(settings);
                var result = new TableBody(n, r, w) { Name = table };
                return reply.Created ? Results.Created($"/tables/{table}", result) : Results.Ok(result);
            }
            catch (Grpc.Core.RpcException)
            {
                view.Suspect(node);
            }
        }

        return Problem(StatusCodes.Status503ServiceUnavailable, "No storage node reachable", "No node answered the table change.");
    }

    private static IResult GetTable(string table, ClusterView view)
    {
        if (!TableSettings.IsValidName(table))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad table name", "A table name is 1 to 255 characters of A-Z, a-z, 0-9, '_', '.', '-'.");
        }

        return view.Table(table) is { } t
            ? Results.Ok(new TableBody(t.N, t.R, t.W) { Name = t.Name })
            : Problem(StatusCodes.Status404NotFound, "Unknown table", $"Table '{table}' does not exist; create it with PUT /tables/{table}.");
    }

    private static IResult? Parse(HttpContext http, ClusterView view, out string table, out string key, out TableSettings settings)
    {
        settings = null!;
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.ToString();
        if (!KeyPath.TryParse(raw, out table, out key, out var error))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad key", error);
        }

        if (!KeyRules.IsValid(table, key, out error) || !TableSettings.IsValidName(table))
        {
            return Problem(StatusCodes.Status400BadRequest, TableSettings.IsValidName(table) ? "Bad key" : "Bad table name", error.Length > 0 ? error : "A table name is 1 to 255 characters of A-Z, a-z, 0-9, '_', '.', '-'.");
        }

        if (view.Table(table) is not { } known)
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown table", $"Table '{table}' does not exist; create it with PUT /tables/{table}.");
        }

        settings = known;
        return null;
    }

    private static IResult? Quorum(HttpContext http, string name, TableSettings settings, out int value)
    {
        value = 0;
        var raw = http.Request.Query[name];
        if (raw.Count == 0)
        {
            return null;
        }

        if (raw.Count > 1 || !int.TryParse(raw[0], NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < 1 || value > settings.N)
        {
            return Problem(StatusCodes.Status400BadRequest, $"Bad {name}", $"{name} must be an integer between 1 and n ({settings.N}) for table '{settings.Name}'.");
        }

        return null;
    }

    private static IResult? Context(HttpContext http, ClusterView view, string table, string key, out string context)
    {
        context = "";
        var header = http.Request.Headers[ContextHeader];
        if (header.Count == 0)
        {
            return null;
        }

        if (header.Count > 1)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad context", $"Send one {ContextHeader} header.");
        }

        context = header[0] ?? "";
        return view.Contexts.TryDecode(context, table, key, out _, out var error)
            ? null
            : Problem(StatusCodes.Status400BadRequest, "Bad context", error);
    }

    /// <summary>Reads the body up to <paramref name="max"/> bytes; null when it is longer.</summary>
    private static async Task<byte[]?> ReadBody(HttpContext http, int max, CancellationToken ct)
    {
        // Sized from Content-Length (+1 to see the end): asking for a fixed 8 KB per read made every PUT of
        // a 100-byte value allocate and zero 8 KB.
        var buffer = new ArrayBufferWriter<byte>(Math.Min(max, (int)Math.Min(http.Request.ContentLength ?? 4096, int.MaxValue - 1)) + 1);
        while (true)
        {
            var memory = buffer.GetMemory();
            int n = await http.Request.ReadChunkAsync(memory, ct);
            if (n == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(n);
            if (buffer.WrittenCount > max)
            {
                return null;
            }
        }
    }

    private static bool StorageNodeKeyEquals(string expected, string? presented) =>
        presented is not null && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(presented));

    internal static IResult Problem(int status, string title, string? detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    };

    public sealed record SiblingBody(string Value, string? ContentType);

    public sealed record SiblingsBody(string Context, IReadOnlyList<SiblingBody> Siblings);

    public sealed record TableBody(int? N, int? R, int? W)
    {
        public string? Name { get; init; }
    }
}
