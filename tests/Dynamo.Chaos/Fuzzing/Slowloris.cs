using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Dynamo.Chaos.Fuzzing;

/// <summary>
/// Slowloris: connections that send their headers (or their body) a byte at a time and never finish. The
/// server must cut them off by itself (Kestrel's request-header timeout and minimum body data rate); the
/// probe only measures when, and gives up at its own deadline so it never hangs the run.
/// </summary>
public sealed class Slowloris(FuzzStats stats)
{
    public enum Mode
    {
        /// <summary>Headers that never end.</summary>
        SlowHeaders,

        /// <summary>Complete headers, then a large body trickling in.</summary>
        SlowBody,
    }

    private const string Category = "slowloris";
    private static readonly TimeSpan Drip = TimeSpan.FromMilliseconds(1_500);

    /// <summary>How long the server may hold a never-finishing request before that counts as a finding.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(75);

    public async Task RunAsync(IReadOnlyList<(FuzzTargets.Http Target, Mode Mode)> connections)
    {
        await Task.WhenAll(connections.Select((c, i) => OneAsync(c.Target, c.Mode, i)));
    }

    private static string CutOff(TimeSpan after) =>
        after < TimeSpan.FromSeconds(10) ? "cut off within 10s" : after < TimeSpan.FromSeconds(40) ? "cut off within 40s" : "cut off within 75s";

    private async Task OneAsync(FuzzTargets.Http target, Mode mode, int index)
    {
        var clock = Stopwatch.StartNew();
        string head = mode == Mode.SlowHeaders
            ? $"GET /cluster HTTP/1.1\r\nHost: {target.Url.Authority}\r\n"
            : $"PUT /kv/default/fz-slow{index} HTTP/1.1\r\nHost: {target.Url.Authority}\r\nContent-Length: 100000\r\n\r\n";
        string what = $"{target.Name}: {(mode == Mode.SlowHeaders ? "headers" : "a body")} sent a byte every {Drip.TotalSeconds:0.0}s";
        using var tcp = new TcpClient { NoDelay = true };
        using var cts = new CancellationTokenSource(Deadline);
        try
        {
            await tcp.ConnectAsync(target.Url.Host, target.Url.Port, cts.Token);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cts.Token);

            // The server's verdict arrives on the read side: an answer (408 / 400) or the end of the stream.
            var buffer = new byte[512];
            var verdict = stream.ReadAsync(buffer, cts.Token).AsTask();
            byte[] drip = mode == Mode.SlowHeaders ? "X-Slow: a"u8.ToArray() : [(byte)'x'];
            int i = 0;
            while (!verdict.IsCompleted)
            {
                var next = Task.Delay(Drip, cts.Token);
                if (await Task.WhenAny(verdict, next) == verdict)
                {
                    break;
                }

                try
                {
                    await stream.WriteAsync(drip.AsMemory(i++ % drip.Length, 1), cts.Token);
                }
                catch (IOException)
                {
                    break;
                }
            }

            int n = await verdict;
            string answer = n == 0 ? "closed" : Encoding.ASCII.GetString(buffer, 0, Math.Min(n, 12));
            if (answer.StartsWith("HTTP/1.1 5", StringComparison.Ordinal))
            {
                stats.ServerError(Category, answer.Trim(), $"slowloris: {answer.Trim()} for {(mode == Mode.SlowHeaders ? "slow headers" : "a slow body")}", what);
            }
            else
            {
                stats.Count(Category, CutOff(clock.Elapsed));
            }
        }
        catch (OperationCanceledException)
        {
            stats.Count(Category, "never cut off");
            stats.Finding($"slowloris not cut off within {Deadline.TotalSeconds:0}s: {what}");
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            stats.Count(Category, CutOff(clock.Elapsed));
        }
    }
}
