using System.Collections.Concurrent;
using System.Globalization;
using Aspire.Hosting;

namespace Dynamo.Chaos.Cluster;

/// <summary>
/// Watches every resource's state through Aspire's notifications: a process that reaches a terminal state
/// while no fault stopped it has crashed. Also reads the resident memory of the real service processes.
/// </summary>
public sealed class ProcessWatch : IAsyncDisposable
{
    private readonly DistributedApplication _app;
    private readonly ChaosLog _log;
    private readonly ConcurrentDictionary<string, int> _expectedDown = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _lastState = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _crashes = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;

    public ProcessWatch(DistributedApplication app, ChaosLog log)
    {
        _app = app;
        _log = log;
        _watching = WatchAsync();
    }

    /// <summary>Unexpected exits, with time, resource, state and exit code.</summary>
    public IReadOnlyCollection<string> Crashes => _crashes;

    /// <summary>Marks a resource as stopped on purpose (a fault) until the returned scope ends.</summary>
    public IDisposable ExpectDown(string resource)
    {
        _expectedDown.AddOrUpdate(resource, 1, (_, n) => n + 1);
        return new Scope(() => _expectedDown.AddOrUpdate(resource, 0, (_, n) => n - 1));
    }

    public bool IsRunning(string resource) =>
        _app.ResourceNotifications.TryGetCurrentState(resource, out var e) && e.Snapshot.State?.Text == KnownResourceStates.Running;

    /// <summary>
    /// The service's own process: DCP starts projects through "dotnet run", whose only child is the
    /// service; a plain executable (redis-server) is the process itself.
    /// </summary>
    public int? ServicePid(string resource)
    {
        if (!_app.ResourceNotifications.TryGetCurrentState(resource, out var state)
            || state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value?.ToString() is not { } text
            || !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int launcher))
        {
            return null;
        }

        try
        {
            var children = File.ReadAllText($"/proc/{launcher}/task/{launcher}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return children.Length == 1 ? int.Parse(children[0], CultureInfo.InvariantCulture) : launcher;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Resident set size of the resource's service process, in bytes; null when it does not run.</summary>
    public long? RssBytes(string resource)
    {
        if (ServicePid(resource) is not { } pid)
        {
            return null;
        }

        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    private async Task WatchAsync()
    {
        try
        {
            await foreach (var e in _app.ResourceNotifications.WatchAsync(_stop.Token))
            {
                string name = e.Resource.Name;
                string state = e.Snapshot.State?.Text ?? "";
                var previous = _lastState.GetValueOrDefault(name);
                _lastState[name] = state;
                bool terminal = KnownResourceStates.TerminalStates.Contains(state);
                bool wasTerminal = previous is not null && KnownResourceStates.TerminalStates.Contains(previous);
                if (terminal && !wasTerminal && previous is not null && _expectedDown.GetValueOrDefault(name) <= 0)
                {
                    var crash = $"{name} went from {previous} to {state} (exit code {e.Snapshot.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "?"}) while no fault stopped it";
                    _crashes.Enqueue($"{_log.Clock.Stamp} {crash}");
                    _log.Write("CRASH", crash);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watching;
        _stop.Dispose();
    }

    private sealed class Scope(Action end) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                end();
            }
        }
    }
}
