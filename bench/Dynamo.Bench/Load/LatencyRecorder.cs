using System.Diagnostics;
using HdrHistogram;

namespace Dynamo.Bench.Load;

/// <summary>
/// Thread-safe latency recording for one phase: an HdrHistogram <see cref="Recorder"/>
/// (wait-free writers, microsecond values, 3 significant digits, up to 10 minutes) that a
/// sampler drains once per second into a per-second series and a phase total.
/// </summary>
public sealed class LatencyRecorder
{
    /// <summary>Longest latency that can be recorded; longer ones are clamped to it.</summary>
    public const long HighestMicros = 600_000_000;
    private const int MaxErrorSamples = 5;

    private static readonly double MicrosPerTick = 1_000_000.0 / Stopwatch.Frequency;
    private readonly Recorder _recorder = HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1)
        .WithValuesUpTo(HighestMicros)
        .WithPrecisionOf(3)
        .WithThreadSafeWrites()
        .WithThreadSafeReads()
        .Create();

    private readonly List<string> _errorSamples = [];
    private long _errors;
    private long _notFound;
    private HistogramBase? _recycle;

    public long Errors => Interlocked.Read(ref _errors);

    public long NotFound => Interlocked.Read(ref _notFound);

    public static LongHistogram NewTotal() => new(1, HighestMicros, 3);

    /// <summary>Records one successful operation from its start timestamp (Stopwatch ticks).</summary>
    public void RecordSince(long startTimestamp)
    {
        var micros = (long)((Stopwatch.GetTimestamp() - startTimestamp) * MicrosPerTick);
        _recorder.RecordValue(Math.Clamp(micros, 1, HighestMicros));
    }

    public void RecordNotFound() => Interlocked.Increment(ref _notFound);

    public void RecordError(Exception error)
    {
        Interlocked.Increment(ref _errors);
        lock (_errorSamples)
        {
            if (_errorSamples.Count < MaxErrorSamples)
            {
                var message = $"{error.GetType().Name}: {error.Message}";
                if (message.Length > 300)
                {
                    message = message[..300];
                }

                if (!_errorSamples.Contains(message))
                {
                    _errorSamples.Add(message);
                }
            }
        }
    }

    public IReadOnlyList<string> ErrorSamples
    {
        get
        {
            lock (_errorSamples)
            {
                return [.. _errorSamples];
            }
        }
    }

    /// <summary>
    /// Everything recorded since the previous call. The returned histogram is only valid until
    /// the next call (it is recycled).
    /// </summary>
    public HistogramBase TakeInterval()
    {
        var interval = _recorder.GetIntervalHistogram(_recycle);
        _recycle = interval;
        return interval;
    }

    public static double ToMs(long micros) => micros / 1000.0;
}
