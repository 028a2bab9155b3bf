using System.Collections.Concurrent;
using System.Diagnostics;

namespace Dynamo.Chaos.Reporting;

/// <summary>Progress as plain lines (a test's output, a redirected console): phase starts and ends, a status line every few seconds with an estimate of what remains.</summary>
public sealed class PlainObserver(Action<string> write, TimeSpan? every = null) : IChaosObserver
{
    private readonly TimeSpan _every = every ?? TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (Stopwatch Clock, double Total, TimeSpan LastReport)> _phases = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void BeginPhase(string phase, double total)
    {
        _phases[phase] = (Stopwatch.StartNew(), total, TimeSpan.Zero);
        Write($"== {phase}");
    }

    public void Report(string phase, double done, string detail)
    {
        if (!_phases.TryGetValue(phase, out var p) || p.Clock.Elapsed - p.LastReport < _every)
        {
            return;
        }

        _phases[phase] = p with { LastReport = p.Clock.Elapsed };
        string eta = done > 0 && p.Total > done ? $", about {p.Clock.Elapsed.TotalSeconds * (p.Total - done) / done:0}s left" : "";
        Write($"   {phase}: {done:0}/{p.Total:0}{eta} - {detail}");
    }

    public void EndPhase(string phase, string detail) =>
        Write($"== {phase} done in {(_phases.TryGetValue(phase, out var p) ? p.Clock.Elapsed.TotalSeconds : 0):0.0}s: {detail}");

    public void Log(string line) => Write(line);

    private void Write(string line)
    {
        lock (_gate)
        {
            write(line);
        }
    }
}
