namespace Dynamo.Bench.Load;

/// <summary>One second of a measurement: completions in that second and their latency.</summary>
public sealed record SecondSample(int Second, double OpsPerSec, double P50Ms, double P99Ms, long Errors);

/// <summary>The result of measuring one system under one workload.</summary>
public sealed record PhaseResult
{
    public required string System { get; init; }

    public required WorkloadSpec Workload { get; init; }

    public required LoadMode Mode { get; init; }

    public required int Clients { get; init; }

    /// <summary>Which round of the run this is (1-based; see <c>--rounds</c>).</summary>
    public int Round { get; init; } = 1;

    /// <summary>Target rate (open loop only).</summary>
    public int? TargetRate { get; init; }

    public required double MeasuredSeconds { get; init; }

    /// <summary>Successful operations completed in the measured window (gets that miss included).</summary>
    public required long Ops { get; init; }

    public required long Errors { get; init; }

    /// <summary>Gets that found no value (counted as successes).</summary>
    public required long NotFound { get; init; }

    public double OpsPerSec => MeasuredSeconds > 0 ? Ops / MeasuredSeconds : 0;

    public required double MeanMs { get; init; }

    public required double P50Ms { get; init; }

    public required double P90Ms { get; init; }

    public required double P99Ms { get; init; }

    public required double P999Ms { get; init; }

    public required double MaxMs { get; init; }

    public required IReadOnlyList<SecondSample> Series { get; init; }

    /// <summary>CPU seconds used by the bench process (the load generator and client libraries) in the measured window.</summary>
    public double BenchCpuSeconds { get; init; }

    /// <summary>CPU seconds used by the system's server processes in the window; null when the system does not expose them.</summary>
    public double? ServerCpuSeconds { get; init; }

    /// <summary>Client + server CPU microseconds per successful operation.</summary>
    public double? CpuMicrosPerOp => Ops > 0 ? (BenchCpuSeconds + (ServerCpuSeconds ?? 0)) * 1e6 / Ops : null;

    /// <summary>A few distinct error messages, to say why errors happened.</summary>
    public required IReadOnlyList<string> ErrorSamples { get; init; }
}
