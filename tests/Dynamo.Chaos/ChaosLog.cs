using System.Collections.Concurrent;

namespace Dynamo.Chaos;

/// <summary>Timestamped events of a run (faults, heal steps, findings), kept for the failure dump and echoed live.</summary>
public sealed class ChaosLog(RunClock clock, IChaosObserver observer)
{
    private readonly ConcurrentQueue<string> _lines = new();

    public RunClock Clock => clock;

    public IReadOnlyCollection<string> Lines => _lines;

    public void Write(string category, string text)
    {
        var line = $"{clock.Stamp} {category,-8} {text}";
        _lines.Enqueue(line);
        observer.Log(line);
    }
}
