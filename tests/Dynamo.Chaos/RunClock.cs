using System.Diagnostics;
using System.Globalization;

namespace Dynamo.Chaos;

/// <summary>Time since the run started: the one timeline on which history, faults and logs are laid out.</summary>
public sealed class RunClock
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    public TimeSpan Elapsed => _watch.Elapsed;

    public long Ms => _watch.ElapsedMilliseconds;

    public string Stamp => "+" + _watch.Elapsed.ToString(@"mm\:ss\.fff", CultureInfo.InvariantCulture);
}
