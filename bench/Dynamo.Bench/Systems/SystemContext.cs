using System.Diagnostics;
using Dynamo.Bench.Abstractions;
using Dynamo.Bench.Cli;
using Dynamo.Bench.Infrastructure;

namespace Dynamo.Bench.Systems;

/// <summary>What a system gets from the bench: where to put processes and files, and how to say what it is doing.</summary>
public sealed class SystemContext(ProcessSupervisor supervisor, Action<string> status, BenchOptions? options = null)
{
    public ProcessSupervisor Supervisor { get; } = supervisor;

    /// <summary>The run's options (null in a bare context); systems read their own settings from it (e.g. --dynamo-source).</summary>
    public BenchOptions? Options { get; } = options;

    /// <summary>Short progress text ("starting member 2 of 3"), shown in the live display.</summary>
    public void Status(string text) => status(text);

    /// <summary>
    /// Polls <paramref name="probe"/> until it returns true. Fails with
    /// <see cref="SystemUnavailableException"/> when a watched process dies or the time is up,
    /// quoting the end of that process's log.
    /// </summary>
    public static async Task WaitUntilReadyAsync(
        string what,
        Func<CancellationToken, Task<bool>> probe,
        IReadOnlyList<ManagedProcess> watched,
        TimeSpan timeout,
        CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        Exception? lastError = null;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            foreach (var p in watched)
            {
                if (p.HasExited)
                {
                    throw new SystemUnavailableException($"{p.Name} {p.ExitDescription} during start-up; log: {p.LogTail()}");
                }
            }

            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attempt.CancelAfter(TimeSpan.FromSeconds(2));
                if (await probe(attempt.Token))
                {
                    return;
                }
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                lastError = ex;
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                var logs = string.Join("; ", watched.Select(p => $"{p.Name}: {p.LogTail(4)}"));
                throw new SystemUnavailableException(
                    $"{what} not ready after {timeout.TotalSeconds:0} s (last error: {lastError?.Message ?? "none"}); {logs}");
            }

            await Task.Delay(200, ct);
        }
    }
}

/// <summary>A system the bench knows how to run. <see cref="SystemCatalog"/> lists them.</summary>
public sealed record SystemDescriptor(string Name, string Summary, Func<SystemContext, IBenchSystem> Create);
