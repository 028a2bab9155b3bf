using Dynamo.Bench.Load;

namespace Dynamo.Bench.Cli;

/// <summary>The parsed command line of a bench run.</summary>
public sealed record BenchOptions
{
    public required int DurationSeconds { get; init; }

    /// <summary>How many times every system is measured, alternating with the others; each reports its median round.</summary>
    public int Rounds { get; init; } = 3;

    public required int WarmupSeconds { get; init; }

    public required string OutPath { get; init; }

    public required string ReportPath { get; init; }

    public required int Clients { get; init; }

    public required int ValueSize { get; init; }

    public required int Keys { get; init; }

    public required KeyDistribution Distribution { get; init; }

    public double ZipfianConstant { get; init; } = ZipfianGenerator.DefaultConstant;

    public required IReadOnlyList<WorkloadSpec> Workloads { get; init; }

    public required LoadMode Mode { get; init; }

    public required int Rate { get; init; }

    /// <summary>Names to run, in catalog order; null = all.</summary>
    public IReadOnlyList<string>? Systems { get; init; }

    public required bool Preload { get; init; }

    /// <summary>Repository whose services/ the dynamo systems build and run; null = the one the bench was built from.</summary>
    public string? DynamoSource { get; init; }

    /// <summary>Run the existing bin/Release builds of the Dynamo services without building them first.</summary>
    public bool DynamoNoBuild { get; init; }

    /// <summary>Hooks to run by result key ("node_failure", "node_rss_mb_1m_keys"); null = all, empty = none.</summary>
    public IReadOnlyList<string>? Hooks { get; init; }

    /// <summary>The system the node-failure run uses (when selected; else the first dynamo system that is).</summary>
    public string FailureSystem { get; init; } = "dynamo_client";

    /// <summary>Extra environment variables for the Dynamo service processes (experiments), applied last.</summary>
    public IReadOnlyDictionary<string, string> DynamoEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Keys loaded before the nodes' resident set is read.</summary>
    public int RssKeys { get; init; } = 1_000_000;

    /// <summary>
    /// The workload whose results go into the top-level "systems" object: 50/50 when it was
    /// run, otherwise the first one.
    /// </summary>
    public WorkloadSpec PrimaryWorkload =>
        Workloads.FirstOrDefault(w => w.Name == WorkloadSpec.Mixed5050.Name) ?? Workloads[0];

    public LoadSettings ToLoadSettings() => new(Mode, DurationSeconds, WarmupSeconds, ValueSize, Rate);

    /// <summary>"bench-results.json" → "bench-report.html"; "x.json" → "x-report.html", same folder.</summary>
    public static string DefaultReportPath(string outPath)
    {
        var dir = Path.GetDirectoryName(outPath) ?? "";
        var stem = Path.GetFileNameWithoutExtension(outPath);
        var at = stem.LastIndexOf("results", StringComparison.OrdinalIgnoreCase);
        var name = at >= 0 ? string.Concat(stem.AsSpan(0, at), "report", stem.AsSpan(at + "results".Length)) : stem + "-report";
        return Path.Combine(dir, name + ".html");
    }
}
