using System.Net.Http.Json;
using System.Text.Json;

namespace Dynamo.Testing;

/// <summary>One span as the dashboard's telemetry API returns it (OTLP JSON, flattened).</summary>
public sealed record Span(string Resource, string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes)
{
    public string? this[string attribute] => Attributes.GetValueOrDefault(attribute);
}

/// <summary>Reads traces from the Aspire dashboard's telemetry HTTP API.</summary>
public static class Traces
{
    public static async Task<List<Span>> SpansAsync(HttpClient dashboard, string path) =>
        Flatten(await dashboard.GetFromJsonAsync<JsonElement>(path));

    private static List<Span> Flatten(JsonElement doc)
    {
        var spans = new List<Span>();
        foreach (var rs in doc.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            string resource = rs.GetProperty("resource").GetProperty("attributes").EnumerateArray()
                .First(a => a.GetProperty("key").GetString() == "service.name").GetProperty("value").GetProperty("stringValue").GetString()!;
            foreach (var ss in rs.GetProperty("scopeSpans").EnumerateArray())
            {
                foreach (var sp in ss.GetProperty("spans").EnumerateArray())
                {
                    var attributes = new Dictionary<string, string>();
                    if (sp.TryGetProperty("attributes", out var attrs))
                    {
                        foreach (var a in attrs.EnumerateArray())
                        {
                            attributes[a.GetProperty("key").GetString()!] = a.GetProperty("value").EnumerateObject().First().Value.ToString();
                        }
                    }

                    spans.Add(new Span(
                        resource,
                        sp.GetProperty("traceId").GetString()!,
                        sp.GetProperty("spanId").GetString()!,
                        sp.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() ?? "" : "",
                        sp.GetProperty("name").GetString()!,
                        attributes));
                }
            }
        }

        return spans;
    }

    /// <summary>A W3C <c>traceparent</c> header starting a trace of our own: its trace id is known before the request.</summary>
    public static (string TraceId, string Header) NewTraceParent()
    {
        string traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        string spanId = System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString();
        return (traceId, $"00-{traceId}-{spanId}-01");
    }

    /// <summary>Polls the trace with a known id until it satisfies <paramref name="complete"/> (it is 404 until its first span arrives).</summary>
    public static async Task<List<Span>> TraceAsync(HttpClient dashboard, string traceId, Func<List<Span>, bool> complete, TimeSpan timeout)
    {
        List<Span>? found = null;
        await Eventually.Until(async () =>
        {
            using var response = await dashboard.GetAsync($"/api/telemetry/traces/{traceId}");
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return false;
            }

            response.EnsureSuccessStatusCode();
            var trace = Flatten(await response.Content.ReadFromJsonAsync<JsonElement>());
            if (!complete(trace))
            {
                return false;
            }

            found = trace;
            return true;
        }, timeout, $"a complete trace {traceId}");
        return found!;
    }

    /// <summary>Polls until a trace of <paramref name="resource"/> has a span matching <paramref name="root"/> and the whole trace satisfies <paramref name="complete"/>.</summary>
    public static async Task<List<Span>> FindTraceAsync(HttpClient dashboard, string resource, Func<Span, bool> root, Func<List<Span>, bool> complete, TimeSpan timeout)
    {
        List<Span>? found = null;
        await Eventually.Until(async () =>
        {
            foreach (var candidate in (await SpansAsync(dashboard, $"/api/telemetry/traces?resource={resource}&limit=200")).Where(root).Select(s => s.TraceId).Distinct())
            {
                var trace = await SpansAsync(dashboard, $"/api/telemetry/traces/{candidate}");
                if (complete(trace))
                {
                    found = trace;
                    return true;
                }
            }

            return false;
        }, timeout, $"a complete trace from {resource}");
        return found!;
    }

    /// <summary>The span's ancestors up to the root, nearest first.</summary>
    public static IEnumerable<Span> Ancestors(this List<Span> trace, Span span)
    {
        var byId = trace.ToDictionary(s => s.SpanId);
        while (byId.TryGetValue(span.ParentSpanId, out var parent))
        {
            yield return parent;
            span = parent;
        }
    }
}
