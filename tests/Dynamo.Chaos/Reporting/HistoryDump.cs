using System.Globalization;
using System.Text.Json;
using Dynamo.Simulation;

namespace Dynamo.Chaos.Reporting;

/// <summary>Everything needed to diagnose a failed run, in one text file: options, fault log, problems, node statuses, replica differences and the whole history.</summary>
public static class HistoryDump
{
    public static string Write(
        string? path,
        ChaosOptions options,
        ChaosResult result,
        IEnumerable<string> schedule,
        IEnumerable<string> log,
        IReadOnlyDictionary<string, JsonElement> statuses,
        IEnumerable<HistoryOp> history)
    {
        path ??= Path.Combine(Path.GetTempPath(), $"dynamo-chaos-{options.Seed}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.log");
        using var w = new StreamWriter(path);
        w.WriteLine($"# Dynamo chaos run, seed {options.Seed}");
        w.WriteLine($"# replay: dotnet run -c Release --project tests/Dynamo.Chaos -- --minutes {options.Load.TotalMinutes.ToString(CultureInfo.InvariantCulture)} --seed {options.Seed}");
        w.WriteLine(result.Describe());
        w.WriteLine();
        w.WriteLine("## schedule");
        foreach (var s in schedule)
        {
            w.WriteLine(s);
        }

        w.WriteLine();
        w.WriteLine("## log");
        foreach (var line in log)
        {
            w.WriteLine(line);
        }

        w.WriteLine();
        w.WriteLine("## problems");
        foreach (var p in result.Problems)
        {
            w.WriteLine(p);
        }

        if (result.Comparison is { } comparison)
        {
            w.WriteLine();
            w.WriteLine("## replica differences");
            foreach (var d in comparison.Differences)
            {
                w.WriteLine(d);
            }

            foreach (var e in comparison.Errors)
            {
                w.WriteLine(e);
            }
        }

        if (result.Fuzz is { } fuzz)
        {
            w.WriteLine();
            w.WriteLine("## fuzz server errors by kind, examples, other findings");
            foreach (var (kind, count) in fuzz.ServerErrorKinds.OrderByDescending(k => k.Value))
            {
                w.WriteLine($"{count,6} x {kind}");
            }

            foreach (var s in fuzz.ServerErrorSamples.Concat(fuzz.FindingSamples))
            {
                w.WriteLine(s);
            }
        }

        w.WriteLine();
        w.WriteLine("## node statuses after heal");
        foreach (var (node, status) in statuses)
        {
            w.WriteLine($"{node}: {status.GetRawText()}");
        }

        w.WriteLine();
        w.WriteLine("## history (id client kind table/key value read[...] -> outcome [returned] @invoked..completed ms)");
        foreach (var op in history)
        {
            w.WriteLine(op.ToString());
        }

        return path;
    }
}
