using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Dynamo.Bench.Cli;
using Dynamo.Bench.Load;

namespace Dynamo.Bench.Reporting;

/// <summary>What happened to one system in a run.</summary>
public sealed class SystemOutcome(string name, string summary)
{
    public string Name { get; } = name;

    /// <summary>Catalog summary, replaced by the system's own description once it started.</summary>
    public string Description { get; set; } = summary;

    /// <summary>Why the system did not run (or stopped early); null when all went well.</summary>
    public string? Reason { get; set; }

    /// <summary>Every measured phase, all workloads and all rounds, in the order they ran.</summary>
    public List<PhaseResult> Phases { get; } = [];

    public double StartSeconds { get; set; }

    public double PreloadSeconds { get; set; }

    /// <summary>What the system's clients counted (<see cref="Abstractions.IReportsStats"/>), or null.</summary>
    public JsonObject? ClientStats { get; set; }

    public bool Available => Phases.Count > 0;

    /// <summary>
    /// The figures reported for a workload: the round with the median throughput (the lower
    /// middle one for an even count), so that its latencies and CPU are those of one real
    /// measurement. With one round, that round.
    /// </summary>
    public PhaseResult? Phase(string workload)
    {
        var rounds = Rounds(workload);
        return rounds.Count == 0 ? null : rounds.OrderBy(p => p.OpsPerSec).ElementAt((rounds.Count - 1) / 2);
    }

    /// <summary>The phases of one workload, one per round that measured it, in round order.</summary>
    public IReadOnlyList<PhaseResult> Rounds(string workload) => [.. Phases.Where(p => p.Workload.Name == workload)];

    /// <summary>Errors of a workload summed over every round (the reported round alone could hide some).</summary>
    public long ErrorsAllRounds(string workload) => Phases.Where(p => p.Workload.Name == workload).Sum(p => p.Errors);
}

/// <summary>Everything a run produced; the JSON, the HTML report and the console summary read this.</summary>
public sealed class RunResults(BenchOptions options, DateTimeOffset started)
{
    public BenchOptions Options { get; } = options;

    public DateTimeOffset Started { get; } = started;

    public DateTimeOffset Finished { get; set; } = started;

    public bool Interrupted { get; set; }

    /// <summary>/proc/loadavg at the start and at the end of the run.</summary>
    public double[]? LoadAverageAtStart { get; init; } = MachineInfo.LoadAverage();

    public double[]? LoadAverageAtEnd { get; set; }

    /// <summary>The 1-minute load average every 10 s of the run (seconds since start, load).</summary>
    public List<(double Seconds, double Load1)> LoadSamples { get; } = [];

    /// <summary>min / median / max of <see cref="LoadSamples"/>, or null when none.</summary>
    public (double Min, double Median, double Max)? LoadSummary()
    {
        List<double> xs;
        lock (LoadSamples)
        {
            xs = [.. LoadSamples.Select(s => s.Load1).Order()];
        }

        return xs.Count == 0 ? null : (xs[0], xs[xs.Count / 2], xs[^1]);
    }

    public List<SystemOutcome> Systems { get; } = [];

    /// <summary>Results of <see cref="Hooks.IBenchHook"/>s by their key ("node_failure", ...).</summary>
    public Dictionary<string, JsonNode?> HookResults { get; } = new(StringComparer.Ordinal);

    /// <summary>ops/s of each system in the primary workload, for systems that ran it.</summary>
    public IReadOnlyList<(string Name, double? OpsPerSec)> PrimaryThroughput() =>
        [.. Systems.Select(s => (s.Name, s.Phase(Options.PrimaryWorkload.Name)?.OpsPerSec))];
}

/// <summary>The machine the run happened on.</summary>
public static class MachineInfo
{
    public static JsonObject Describe() => new()
    {
        ["cores"] = Environment.ProcessorCount,
        ["cpu"] = CpuModel(),
        ["memory_gb"] = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
        ["os"] = OsName(),
        ["kernel"] = ReadFirstLine("/proc/sys/kernel/osrelease") ?? RuntimeInformation.OSDescription,
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["arch"] = RuntimeInformation.ProcessArchitecture.ToString(),
        ["hostname"] = Environment.MachineName,
    };

    /// <summary>1/5/15-minute load averages; above the core count the figures are suspect (other work competed for the CPU).</summary>
    public static double[]? LoadAverage()
    {
        var parts = ReadFirstLine("/proc/loadavg")?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts is not { Length: >= 3 })
        {
            return null;
        }

        var result = new double[3];
        for (var i = 0; i < 3; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out result[i]))
            {
                return null;
            }
        }

        return result;
    }

    public static string OneLine() =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {OsName()}, {RuntimeInformation.FrameworkDescription}");

    private static string? ReadFirstLine(string path)
    {
        try
        {
            return File.ReadLines(path).FirstOrDefault()?.Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string OsName()
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/os-release"))
            {
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                {
                    return line["PRETTY_NAME=".Length..].Trim('"');
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.OSDescription;
    }

    private static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return "unknown";
    }
}
