using System.Diagnostics;
using Spectre.Console;

namespace Dynamo.Simulation;

/// <summary>Runs many seeds in parallel with live progress and a summary (DESIGN §9's simulation command).</summary>
public static class Runner
{
    public static int RunSeeds(int start, int count, PlantedBug bug, int parallelism)
    {
        var results = new SimulationResult[count];
        var clock = Stopwatch.StartNew();
        int done = 0, failed = 0;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"[green]seeds {start}..{start + count - 1}[/]", maxValue: count);
                Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, i =>
                {
                    var r = SimulationRun.Execute(start + i, new SimulationOptions { Bug = bug });
                    results[i] = r;
                    int f = r.Passed ? Volatile.Read(ref failed) : Interlocked.Increment(ref failed);
                    int d = Interlocked.Increment(ref done);
                    task.Increment(1);
                    task.Description = $"[green]seeds[/] {d}/{count}  [{(f == 0 ? "green" : "red")}]failed {f}[/]";
                });
            });
        clock.Stop();

        foreach (var r in results.Where(r => !r.Passed).Take(20))
        {
            AnsiConsole.MarkupLine($"[red]seed {r.Seed} failed[/]: {Markup.Escape(string.Join(" | ", r.Problems.Take(3)))}");
            AnsiConsole.MarkupLine($"  faults: {Markup.Escape(r.Faults)}");
            AnsiConsole.MarkupLine($"  replay: [yellow]{Markup.Escape(r.ReplayCommand)}[/]");
        }

        var stats = new Dynamo.Core.Runtime.NodeStats();
        foreach (var r in results)
        {
            r.Stats?.AddTo(stats);
        }

        long events = results.Sum(r => r.Events);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("", "value");
        table.AddRow("seeds", count.ToString("N0"));
        table.AddRow("failed", failed.ToString("N0"));
        table.AddRow("acknowledged writes checked", results.Sum(r => r.AcknowledgedWrites).ToString("N0"));
        table.AddRow("lost acknowledged writes", results.Sum(r => r.LostWrites).ToString("N0"));
        table.AddRow("resurrections", results.Sum(r => r.Resurrections).ToString("N0"));
        table.AddRow("sibling-bound violations", results.Sum(r => r.SiblingViolations).ToString("N0"));
        table.AddRow("unconverged runs", results.Count(r => !r.Converged).ToString("N0"));
        table.AddRow("exercised", $"{stats.SiblingsReturned:N0} siblings read, {stats.ReadRepairs:N0} read repairs, {stats.HintsStored:N0} hints stored / {stats.HintsDelivered:N0} delivered, {stats.HandoffKeysSent:N0} keys handed off, {stats.AntiEntropyKeysExchanged:N0} anti-entropy keys, {stats.TombstonesReaped:N0} tombstones reaped, {stats.RingChanges:N0} ring changes, {stats.QuorumFailures:N0} quorum failures");
        table.AddRow("simulated time", TimeSpan.FromMilliseconds(results.Sum(r => r.SimulatedMs)).ToString(@"d\.hh\:mm\:ss"));
        table.AddRow("events", $"{events:N0} ({events / Math.Max(0.001, clock.Elapsed.TotalSeconds):N0}/s)");
        table.AddRow("wall time", clock.Elapsed.ToString(@"hh\:mm\:ss"));
        AnsiConsole.Write(table);

        Console.WriteLine($"seeds: {count}, failed: {failed}, lost acknowledged writes: {results.Sum(r => r.LostWrites)}, unconverged: {results.Count(r => !r.Converged)}");
        return failed > 0 ? 1 : 0;
    }

    public static int Replay(int seed, PlantedBug bug, bool verbose)
    {
        var r = SimulationRun.Execute(seed, new SimulationOptions { Bug = bug, Log = verbose ? Console.WriteLine : null });
        AnsiConsole.MarkupLine($"seed {seed}: {(r.Passed ? "[green]passed[/]" : "[red]failed[/]")}, {r.Nodes} nodes, {r.AcknowledgedWrites} acknowledged writes, {r.Events:N0} events, digest {r.Digest:x16}");
        if (r.Stats is { } s)
        {
            AnsiConsole.MarkupLine($"  {s.SiblingsReturned:N0} siblings read, {s.ReadRepairs:N0} read repairs, {s.HintsStored:N0} hints stored / {s.HintsDelivered:N0} delivered, {s.HandoffKeysSent:N0} keys handed off, {s.AntiEntropyKeysExchanged:N0} anti-entropy keys, {s.TombstonesReaped:N0} tombstones reaped, {s.RingChanges:N0} ring changes");
        }
        foreach (var p in r.Problems)
        {
            AnsiConsole.MarkupLine($"  [red]{Markup.Escape(p)}[/]");
        }

        Console.WriteLine($"seeds: 1, failed: {(r.Passed ? 0 : 1)}, lost acknowledged writes: {r.LostWrites}, unconverged: {(r.Converged ? 0 : 1)}");
        return r.Passed ? 0 : 1;
    }
}
