using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Aspire.Hosting;
using Dynamo.Testing;

namespace Dynamo.Chaos.Fuzzing;

/// <summary>
/// Well-framed HTTP requests with hostile content, sent with HttpClient: random methods, paths with
/// invalid UTF-8 and malformed percent-encodings, bad quorum parameters, garbled, forged, truncated and
/// huge contexts, odd content types, bodies from empty to beyond the 1 MiB limit, admin calls with no key
/// or a wrong one. Paths go out byte for byte (no canonicalization by the client).
/// </summary>
public sealed class HttpFuzzer(FuzzStats stats, IReadOnlyList<string> contexts)
{
    public enum Kind
    {
        Router,
        Node,
        Seed,
    }

    private const int MaxValueBytes = 1 << 20;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public async Task RunAsync(FuzzTargets.Http target, Kind kind, int count, int seed, int workers)
    {
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxConnectionsPerServer = workers,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        using var http = new HttpClient(handler) { Timeout = RequestTimeout };
        int issued = 0;
        string category = "http " + kind.ToString().ToLowerInvariant();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
        {
            var random = new Random(unchecked((seed * 7919) + w));
            while (Interlocked.Increment(ref issued) <= count)
            {
                await OneAsync(http, target, kind, category, random);
            }
        }));
    }

    private async Task OneAsync(HttpClient http, FuzzTargets.Http target, Kind kind, string category, Random random)
    {
        HttpRequestMessage request;
        string description;
        while (!TryBuild(target, kind, random, out request, out description))
        {
            // The client library refused what we made (it validates some headers): draw another.
        }

        using (request)
        {
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                int status = (int)response.StatusCode;
                var body = await ReadSomeAsync(response);
                if (status >= 500)
                {
                    stats.ServerError(category, $"http {status}", $"{category}: http {status} for {request.Method} {Shape(request.RequestUri!.AbsolutePath)}", $"{target.Name}: {description} -> {body}");
                }
                else
                {
                    stats.Count(category, $"http {status}");
                }
            }
            catch (TaskCanceledException)
            {
                stats.Count(category, "no answer");
                stats.Finding($"{target.Name} did not answer within {RequestTimeout.TotalSeconds:0}s: {description}");
            }
            catch (HttpRequestException)
            {
                // The server closed the connection (e.g. a body beyond its limit): a refusal, not an error.
                stats.Count(category, "connection closed");
            }
        }
    }

    /// <summary>The route a path aims at, without its random parts: what groups server errors by cause.</summary>
    private static string Shape(string path)
    {
        string[] known = ["kv", "tables", "cluster", "admin", "health", "alive", "status", "isolate", "reconnect", "anti-entropy", "decommission", "members", "history", "ring", "nodes", "leave"];
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Take(4)
            .Select(p => known.Contains(p, StringComparer.Ordinal) || p.StartsWith("dynamo.v1.", StringComparison.Ordinal) ? p : "*");
        return "/" + string.Join('/', parts);
    }

    private static async Task<string> ReadSomeAsync(HttpResponseMessage response)
    {
        using var cts = new CancellationTokenSource(RequestTimeout);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            var buffer = new byte[512];
            int n = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cts.Token);

            // Drain the rest so the connection can be reused.
            await stream.CopyToAsync(Stream.Null, cts.Token);
            return Encoding.UTF8.GetString(buffer, 0, n);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            return "(body cut off)";
        }
    }

    private bool TryBuild(FuzzTargets.Http target, Kind kind, Random random, out HttpRequestMessage request, out string description)
    {
        var (method, path) = kind switch
        {
            Kind.Router => RouterTarget(random),
            Kind.Node => NodeTarget(random),
            _ => SeedTarget(random),
        };
        request = null!;
        description = "";
        Uri uri;
        try
        {
            uri = new Uri(target.Url.GetLeftPart(UriPartial.Authority) + path, in Verbatim);
        }
        catch (UriFormatException)
        {
            return false;
        }

        var message = new HttpRequestMessage(new HttpMethod(method), uri);
        try
        {
            var headers = new StringBuilder();
            AddHeaders(message, kind, path, method, random, headers);
            if (Body(kind, path, method, random) is { } content)
            {
                message.Content = content.Content;
                message.Headers.TransferEncodingChunked = content.What.StartsWith("chunked", StringComparison.Ordinal);
                if (RandomContentType(random) is { } type)
                {
                    message.Content.Headers.Remove("Content-Type");
                    if (message.Content.Headers.TryAddWithoutValidation("Content-Type", type))
                    {
                        headers.Append(" content-type=").Append(type.Length > 40 ? type[..40] + "..." : type);
                    }
                }

                headers.Append(' ').Append(content.What);
            }

            description = $"{method} {(path.Length > 160 ? path[..160] + "..." : path)}{headers}";
            request = message;
            return true;
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            message.Dispose();
            return false;
        }
    }

    private static string Method(Random random) =>
        random.Next(10) < 7 ? new[] { "GET", "PUT", "DELETE", "GET", "PUT" }[random.Next(5)] : Garbage.Methods[random.Next(Garbage.Methods.Length)];

    private static (string, string) RouterTarget(Random random)
    {
        string method = Method(random);
        string path = random.Next(14) switch
        {
            < 6 => $"/kv/{Table(random)}/{Garbage.Segment(random)}{Garbage.Query(random)}",
            6 => $"/kv/{Table(random)}{Garbage.Query(random)}",
            7 => $"/kv/default/{Garbage.Segment(random)}/{Garbage.Segment(random)}",
            8 => $"/tables/{Table(random)}",
            9 => "/cluster" + Garbage.Query(random),
            10 => random.Next(2) == 0 ? "/" : "/health",
            11 => "/" + string.Join('/', Enumerable.Range(0, 1 + random.Next(5)).Select(_ => Garbage.Segment(random))),
            12 => "/kv/default/" + new string('k', 2_000 + random.Next(10_000)),
            _ => "/alive" + Garbage.Query(random),
        };
        return (method, path);
    }

    private static string Table(Random random) => random.Next(8) switch
    {
        < 4 => "default",
        4 => "nosuchtable",
        5 => new string('t', 256),
        6 => "fuzz" + random.Next(4),
        _ => Garbage.Segment(random),
    };

    private static (string, string) NodeTarget(Random random)
    {
        string[] admin = ["status", "isolate", "reconnect", "anti-entropy", "decommission", Garbage.Segment(random)];
        return random.Next(8) switch
        {
            < 4 => (Method(random), "/admin/" + admin[random.Next(admin.Length)] + (random.Next(4) == 0 ? Garbage.Query(random) : "")),
            4 => (Method(random), random.Next(2) == 0 ? "/health" : "/alive"),
            5 => ("POST", "/dynamo.v1.Replica/" + new[] { "Write", "Read", "Sync" }[random.Next(3)]),
            6 => (Method(random), "/"),
            _ => (Method(random), "/" + Garbage.Segment(random) + "/" + Garbage.Segment(random)),
        };
    }

    private static (string, string) SeedTarget(Random random)
    {
        // Node ids that are never members: leaving must be refused (400 / 404), never applied.
        string id = random.Next(3) switch
        {
            0 => "fz" + Garbage.Ascii(random, 1 + random.Next(8)),
            1 => "fz" + Garbage.InvalidUtf8[random.Next(Garbage.InvalidUtf8.Length)],
            _ => "fz" + Garbage.Ascii(random, 129 + random.Next(300)),
        };
        return random.Next(6) switch
        {
            < 2 => (Method(random), "/admin/nodes/" + id + "/leave"),
            2 => (Method(random), "/admin/" + new[] { "members", "history", "ring", Garbage.Segment(random) }[random.Next(4)]),
            3 => (Method(random), random.Next(2) == 0 ? "/health" : "/"),
            4 => ("POST", "/dynamo.v1.Membership/Join"),
            _ => (Method(random), "/" + Garbage.Segment(random)),
        };
    }

    private void AddHeaders(HttpRequestMessage message, Kind kind, string path, string method, Random random, StringBuilder description)
    {
        if (kind == Kind.Router && random.Next(3) > 0)
        {
            string context = Context(random);
            if (message.Headers.TryAddWithoutValidation(Dynamo.Client.DynamoHttpClient.ContextHeader, context))
            {
                description.Append(" context=").Append(context.Length > 40 ? context[..40] + $"...({context.Length})" : context);
            }
        }

        if (kind != Kind.Router)
        {
            // The right admin key only where it cannot change the cluster: fuzzing must not decommission
            // or isolate anything for real.
            bool safe = path.StartsWith("/admin/status", StringComparison.Ordinal)
                || path.StartsWith("/admin/anti-entropy", StringComparison.Ordinal)
                || path.StartsWith("/admin/reconnect", StringComparison.Ordinal)
                || path.StartsWith("/admin/members", StringComparison.Ordinal)
                || path.StartsWith("/admin/history", StringComparison.Ordinal)
                || path.StartsWith("/admin/ring", StringComparison.Ordinal)
                || path.StartsWith("/admin/nodes/fz", StringComparison.Ordinal)
                || method != "POST";
            string? key = random.Next(3) switch
            {
                0 => null,
                1 => Garbage.Ascii(random, random.Next(64)),
                _ => safe ? ClusterApp.AdminKey : ClusterApp.AdminKey + "x",
            };
            if (key is not null)
            {
                message.Headers.TryAddWithoutValidation(DynamoResources.AdminKeyHeader, key);
                description.Append(key == ClusterApp.AdminKey ? " admin-key=valid" : " admin-key=wrong");
            }
        }

        if (random.Next(4) == 0)
        {
            message.Headers.TryAddWithoutValidation("X-Fuzz-" + Garbage.Ascii(random, 4), Garbage.Ascii(random, random.Next(200), "abc !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"));
        }

        if (random.Next(10) == 0)
        {
            message.Headers.TryAddWithoutValidation(new[] { "Accept", "Expect", "Range", "If-None-Match", "Accept-Encoding" }[random.Next(5)], Garbage.Ascii(random, 1 + random.Next(30), "abcxyz*/;=,-0123456789 "));
        }

        if (random.Next(20) == 0)
        {
            message.Headers.TryAddWithoutValidation("X-Dynamo-Api-Key", Garbage.Ascii(random, random.Next(40)));
        }
    }

    private string Context(Random random)
    {
        string real = contexts.Count > 0 ? contexts[random.Next(contexts.Count)] : "AAAA";
        return random.Next(9) switch
        {
            0 => Garbage.Ascii(random, 1 + random.Next(50), "abcdefABCDEF0123456789!@#$%^&*()_+=-"),
            1 => Convert.ToBase64String(Garbage.Bytes(random, random.Next(200))).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            2 => real,
            3 => real[..random.Next(real.Length)],
            4 => FlipChar(random, real),
            5 => new string('A', 20_000 + random.Next(10_000)),
            6 => new string('A', 70_000),
            7 => real + real,
            _ => "",
        };
    }

    private static string FlipChar(Random random, string context)
    {
        if (context.Length == 0)
        {
            return "A";
        }

        var chars = context.ToCharArray();
        int i = random.Next(chars.Length);
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    private static string? RandomContentType(Random random) => random.Next(8) switch
    {
        0 => null,
        1 => "text/plain",
        2 => "application/json",
        3 => Garbage.Ascii(random, 1 + random.Next(20)),
        4 => "text/plain; charset=utf-99",
        5 => "application/x-" + new string('y', 300),
        6 => "multipart/form-data; boundary=",
        _ => "application/octet-stream",
    };

    private static (HttpContent Content, string What)? Body(Kind kind, string path, string method, Random random)
    {
        if (method is "GET" or "HEAD" && random.Next(4) > 0)
        {
            return null;
        }

        if (path.StartsWith("/tables/", StringComparison.Ordinal))
        {
            // Valid settings only for a handful of names, so fuzzing cannot create tables without bound.
            bool allowValid = path.StartsWith("/tables/fuzz", StringComparison.Ordinal);
            string json = Garbage.TableJson(random, allowValid);
            return (new StringContent(json, Encoding.UTF8), $"json {json.Length} chars");
        }

        switch (random.Next(kind == Kind.Router ? 12 : 6))
        {
            case 0:
                return null;
            case 1:
                return (new ByteArrayContent([]), "empty body");
            case 2:
            case 3:
                return (new ByteArrayContent(Garbage.Bytes(random, random.Next(256))), "small binary body");
            case 4:
                return (new ByteArrayContent([0xC3, 0x28, 0xFF, 0xFE, 0xED, 0xA0, 0x80]), "invalid UTF-8 body");
            case 5:
                return (new ByteArrayContent(Garbage.Bytes(random, random.Next(64 * 1024))), "body up to 64 KiB");
            case 6:
                return (new ByteArrayContent(new byte[MaxValueBytes]), "body of exactly 1 MiB");
            case 7:
                int over = MaxValueBytes + 1 + random.Next(200_000);
                return (new ByteArrayContent(new byte[over]), $"body of {over} bytes (beyond 1 MiB)");
            case 8:
                var chunked = new StreamContent(new MemoryStream(new byte[MaxValueBytes + 50_000]));
                return (chunked, "chunked body beyond 1 MiB");
            case 9:
                return (new StringContent(Garbage.Unicode(random, random.Next(500)), Encoding.UTF8), "unicode body");
            default:
                return (new StringContent("w-fuzz-" + random.Next(), Encoding.UTF8, "text/plain"), "small text body");
        }
    }

}
