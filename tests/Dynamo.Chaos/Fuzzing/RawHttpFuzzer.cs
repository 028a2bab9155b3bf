using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Dynamo.Chaos.Fuzzing;

/// <summary>
/// What no HTTP library would send, written on raw sockets: broken request lines, contradictory or
/// malformed headers, truncated bodies (a Content-Length larger than what is sent, then end of stream),
/// invalid chunked framing, binary garbage, HTTP/2 prefaces on HTTP/1 ports and HTTP/1 on h2c gRPC ports.
/// The answer must be a 4xx or a closed connection, never a 5xx and never silence.
/// </summary>
public sealed class RawHttpFuzzer(FuzzStats stats)
{
    public sealed record Target(string Name, Uri Url, bool Http2Only);

    private const string Category = "raw socket";
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(15);

    public async Task RunAsync(IReadOnlyList<Target> targets, int count, int seed, int workers)
    {
        int issued = 0;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
        {
            var random = new Random(unchecked((seed * 6151) + w));
            while (Interlocked.Increment(ref issued) <= count)
            {
                await OneAsync(targets[random.Next(targets.Count)], random);
            }
        }));
    }

    private async Task OneAsync(Target target, Random random)
    {
        var (payload, what) = target.Http2Only && random.Next(2) == 0 ? Http2Garbage(random) : Payload(random, target.Url.Authority);
        string request = $"{target.Name}: {what}: {Printable(payload)}";
        using var tcp = new TcpClient { NoDelay = true };
        using var cts = new CancellationTokenSource(AnswerTimeout);
        try
        {
            await tcp.ConnectAsync(target.Url.Host, target.Url.Port, cts.Token);
            var stream = tcp.GetStream();
            try
            {
                await stream.WriteAsync(payload, cts.Token);

                // End of stream: whatever was announced and not sent never comes.
                tcp.Client.Shutdown(SocketShutdown.Send);
            }
            catch (IOException)
            {
                // The server stopped reading (it already answered or gave up): read what it said.
            }

            var answer = await ReadAnswerAsync(stream, cts.Token);
            // 505 is Kestrel's answer to an HTTP version it does not speak (RFC 9110 §15.6.6), given
            // before any of our code runs: the right answer to "HTTP/9.9", not a server failure.
            if (answer.Status >= 500 && answer.Status != 505)
            {
                stats.ServerError(Category, $"http {answer.Status}", $"raw socket: http {answer.Status} for {what}{(target.Http2Only ? " (gRPC port)" : "")}", request);
            }
            else
            {
                stats.Count(Category, answer.Outcome);
            }
        }
        catch (OperationCanceledException)
        {
            stats.Count(Category, "no answer");
            stats.Finding($"no answer and no close within {AnswerTimeout.TotalSeconds:0}s after end of stream: {request}");
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            stats.Count(Category, "connection reset");
        }
    }

    /// <summary>The payload for a report: ASCII as is, CR/LF and other bytes escaped, long runs cut.</summary>
    private static string Printable(byte[] payload)
    {
        var sb = new StringBuilder();
        foreach (byte b in payload.AsSpan(0, Math.Min(payload.Length, 300)))
        {
            sb.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                >= 32 and < 127 => ((char)b).ToString(),
                _ => $"\\x{b:X2}",
            });
        }

        return payload.Length > 300 ? $"{sb}... ({payload.Length} bytes)" : sb.ToString();
    }

    private static async Task<(int Status, string Outcome)> ReadAnswerAsync(NetworkStream stream, CancellationToken cancellation)
    {
        var buffer = new byte[256];
        int n = 0;
        while (n < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(n), cancellation);
            if (read == 0)
            {
                break;
            }

            n += read;
            if (Encoding.ASCII.GetString(buffer, 0, n).Contains("\r\n", StringComparison.Ordinal))
            {
                break;
            }
        }

        if (n == 0)
        {
            return (0, "closed without answer");
        }

        var text = Encoding.ASCII.GetString(buffer, 0, n);
        if (text.StartsWith("HTTP/1.", StringComparison.Ordinal) && text.Length >= 12
            && int.TryParse(text.AsSpan(9, 3), NumberStyles.Integer, CultureInfo.InvariantCulture, out int status))
        {
            return (status, $"http {status}");
        }

        // An HTTP/2 server answers a bad preface with a SETTINGS or GOAWAY frame, in binary.
        return (0, "http/2 frames");
    }

    private static (byte[], string) Payload(Random random, string host)
    {
        string h = $"Host: {host}\r\n";
        switch (random.Next(11))
        {
            case 0:
            {
                string[] lines =
                [
                    "GET\r\n\r\n", $"GET / HTTP/9.9\r\n{h}\r\n", $"GET /kv/default/%ZZ HTTP/1.1\r\n{h}\r\n", $" / HTTP/1.1\r\n{h}\r\n",
                    $"GET  /  HTTP/1.1\r\n{h}\r\n", $"GET /\0 HTTP/1.1\r\n{h}\r\n", $"GET http://evil.example/ HTTP/1.1\r\n{h}\r\n",
                    $"GET * HTTP/1.1\r\n{h}\r\n", $"CONNECT localhost:1 HTTP/1.1\r\n{h}\r\n", $"GET /kv/default/k HTTP/1.1\n{h}\n",
                    $"PUT /kv/default/k?w=%00 HTTP/1.1\r\n{h}Content-Length: 1\r\n\r\nx", $"DELETE /kv/default/trail% HTTP/1.1\r\n{h}\r\n",
                    "HTTP/1.1 200 OK\r\n\r\n", $"GET /kv/default/k HTTP/1.1\r\r\n{h}\r\n", $"G\tET / HTTP/1.1\r\n{h}\r\n",
                ];
                return (Encoding.ASCII.GetBytes(lines[random.Next(lines.Length)]), "malformed request line");
            }

            case 1:
            {
                string[] headers =
                [
                    "", h + h.Replace("Host: ", "Host: other-", StringComparison.Ordinal), h + "Content-Length: 5\r\nContent-Length: 7\r\n",
                    h + "Content-Length: -1\r\n", h + "Content-Length: 99999999999999999999\r\n", h + "Content-Length: abc\r\n",
                    h + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", h + "Transfer-Encoding: gzip, chunked\r\n",
                    h + "NoColonHere\r\n", h + "Bad Header: x\r\n", h + "X-Folded: a\r\n b\r\n", h + "X-Ctl: a\u0001\u007Fb\r\n",
                    h + string.Concat(Enumerable.Range(0, 300).Select(i => $"X-H{i}: v\r\n")), h + "X-Big: " + new string('a', 70_000) + "\r\n",
                    h + "X-Dynamo-Context: " + new string('A', 60_000) + "\r\n", h + ": empty-name\r\n",
                ];
                string method = new[] { "GET", "PUT", "DELETE" }[random.Next(3)];
                return (Encoding.Latin1.GetBytes($"{method} /kv/default/fz-raw{random.Next(100)} HTTP/1.1\r\n{headers[random.Next(headers.Length)]}\r\nhello"), "malformed headers");
            }

            case 2:
            {
                int announced = 100 + random.Next(2_000_000);
                int sent = random.Next(Math.Min(announced, 50_000));
                string path = random.Next(3) switch
                {
                    0 => "/tables/fuzz" + random.Next(4),
                    1 => "/admin/status",
                    _ => $"/kv/default/fz-trunc{random.Next(100)}",
                };
                var head = Encoding.ASCII.GetBytes($"PUT {path} HTTP/1.1\r\n{h}Content-Length: {announced}\r\n\r\n");
                return ([.. head, .. Garbage.Bytes(random, sent)], $"truncated body ({sent} of {announced} bytes)");
            }

            case 3:
            {
                string[] bodies = ["zz\r\nabc\r\n0\r\n\r\n", "5\r\nabc\r\n0\r\n\r\n", "FFFFFFFFFFFFFFFFFFFF\r\nx\r\n", "3\r\nabc", "3;ext=\"\u0001\"\r\nabc\r\n0\r\n\r\n", "0\r\nX-Trailer: \u0000\r\n\r\n", "-1\r\n\r\n", "3\r\nabcdef\r\n0\r\n\r\n"];
                return (Encoding.Latin1.GetBytes($"PUT /kv/default/fz-chunk{random.Next(100)} HTTP/1.1\r\n{h}Transfer-Encoding: chunked\r\n\r\n{bodies[random.Next(bodies.Length)]}"), "invalid chunked body");
            }

            case 4:
                return (Garbage.Bytes(random, 1 + random.Next(4096)), "random bytes");
            case 5:
                return ([.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, .. Garbage.Bytes(random, random.Next(512))], "HTTP/2 preface on an HTTP/1 port");
            case 6:
            {
                string bad = Garbage.InvalidUtf8[random.Next(Garbage.InvalidUtf8.Length)];
                return (Encoding.ASCII.GetBytes($"GET /kv/default/{bad} HTTP/1.1\r\n{h}Connection: close\r\n\r\n"), "path of invalid UTF-8");
            }

            case 7:
                return (Encoding.ASCII.GetBytes($"GET /health HTTP/1.1\r\n{h}\r\n\u0000\u0001garbage\r\n\r\nGET /cluster HTTP/1.1\r\n{h}\r\n"), "pipelined request then garbage");
            case 8:
                return (Encoding.ASCII.GetBytes($"GET /kv/default/{new string('k', 10_000 + random.Next(20_000))} HTTP/1.1\r\n{h}\r\n"), "request line beyond the limit");
            case 9:
                return ([.. "GET /kv/default/"u8, .. Garbage.Bytes(random, 1 + random.Next(20)), .. Encoding.ASCII.GetBytes($" HTTP/1.1\r\n{h}\r\n")], "binary bytes in the request target");
            default:
            {
                string[] upgrades =
                [
                    "GET / HTTP/1.0\r\n\r\n", $"GET / HTTP/1.1\r\n{h}Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n",
                    $"GET / HTTP/1.1\r\n{h}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: x\r\n\r\n",
                    $"OPTIONS * HTTP/1.1\r\n{h}\r\n", $"TRACE / HTTP/1.1\r\n{h}Max-Forwards: 0\r\n\r\n",
                ];
                return (Encoding.ASCII.GetBytes(upgrades[random.Next(upgrades.Length)]), "protocol upgrade or old version");
            }
        }
    }

    private static (byte[], string) Http2Garbage(Random random) => random.Next(3) switch
    {
        // A valid preface and SETTINGS, then random frames.
        0 => ([.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, 0, 0, 0, 4, 0, 0, 0, 0, 0, .. Garbage.Bytes(random, random.Next(2048))], "HTTP/2 preface then random frames on a gRPC port"),
        1 => (Encoding.ASCII.GetBytes("POST /dynamo.v1.Replica/Write HTTP/1.1\r\nHost: x\r\nContent-Type: application/grpc\r\nContent-Length: 5\r\n\r\n\0\0\0\0\0"), "HTTP/1.1 gRPC call on an h2c port"),
        _ => (Garbage.Bytes(random, 1 + random.Next(1024)), "random bytes on a gRPC port"),
    };
}
