using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Dynamo.Core.Telemetry;

/// <summary>
/// Spans and instruments of the protocol (DESIGN §8): one span per coordinated request and one per
/// replica call (node, partition, owner or fallback, outcome), hints, read repairs, and the background
/// work (hint delivery, anti-entropy, handoff, gossip). Plain System.Diagnostics: Core stays free of any
/// exporter, the services' OpenTelemetry picks them up, and the simulator, listening to nothing, pays
/// nothing and stays deterministic (no decision reads a span).
/// </summary>
public static class NodeTelemetry
{
    public const string Name = "Dynamo.Node";

    public static readonly ActivitySource Source = new(Name, "1.0");

    public static readonly Meter Meter = new(Name, "1.0");

    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "dynamo.request.duration", "ms", "Time from a request reaching its coordinator to the answer, by operation and outcome.");

    public static readonly Histogram<int> SiblingsPerRead = Meter.CreateHistogram<int>(
        "dynamo.read.siblings", "{version}", "Concurrent versions returned by a read.");

    public static readonly Histogram<double> ReplicaDuration = Meter.CreateHistogram<double>(
        "dynamo.replica.duration", "ms", "Round trip of one replica call made by a coordinator, by operation, role and outcome.");

    public static readonly Histogram<double> GossipRoundDuration = Meter.CreateHistogram<double>(
        "dynamo.gossip.round.duration", "ms", "Push-pull gossip exchange with one peer.");

    /// <summary>Starts a span as a child of the current one and leaves Activity.Current as it was.</summary>
    public static Activity? Start(string name, ActivityKind kind = ActivityKind.Internal, Activity? parent = null)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var previous = Activity.Current;
        var span = parent is null
            ? Source.StartActivity(name, kind)
            : Source.StartActivity(name, kind, parent.Context);
        Activity.Current = previous;
        return span;
    }

    /// <summary>Ends a span without disturbing Activity.Current (Stop would restore the span's own predecessor).</summary>
    public static void End(Activity? span, string? outcome = null)
    {
        if (span is null)
        {
            return;
        }

        if (outcome is not null)
        {
            span.SetTag("dynamo.outcome", outcome);
        }

        var current = Activity.Current;
        span.Stop();
        Activity.Current = current == span ? span.Parent : current;
    }

    /// <summary>
    /// Makes <paramref name="span"/> the current span until the scope is disposed, so calls made meanwhile
    /// are its children; does nothing for a null span. A struct, so the request path allocates nothing for
    /// it when no one listens.
    /// </summary>
    public static SpanScope Enter(Activity? span) => new(span);

    public readonly struct SpanScope : IDisposable
    {
        private readonly Activity? _previous;
        private readonly bool _entered;

        internal SpanScope(Activity? span)
        {
            if (span is not null)
            {
                _previous = Activity.Current;
                _entered = true;
                Activity.Current = span;
            }
        }

        public void Dispose()
        {
            if (_entered)
            {
                Activity.Current = _previous;
            }
        }
    }

    public static double ElapsedMs(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
}
