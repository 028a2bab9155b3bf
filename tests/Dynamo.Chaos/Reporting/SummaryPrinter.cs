using Spectre.Console;

namespace Dynamo.Chaos.Reporting;

/// <summary>The end-of-run summary as Spectre tables: workload and checker, faults, healing, fuzzing, memory, problems.</summary>
public static class SummaryPrinter
{
    public static void Print(ChaosResult r)
    {
        var main = new Table().Border(TableBorder.Rounded).Title($"[bold]chaos run, seed {r.Seed}: {(r.Passed ? "[green]PASSED[/]" : "[red]FAILED[/]")}[/]")
            .AddColumn("what").AddColumn(new TableColumn("result").RightAligned());
        void Row(string what, object value, bool ok = true) => main.AddRow(Markup.Escape(what), ok ? Markup.Escape(value.ToString() ?? "") : $"[red]{Markup.Escape(value.ToString() ?? "")}[/]");
        Row("duration (load / heal)", $"{r.Duration.TotalSeconds:0}s ({r.LoadDuration.TotalSeconds:0}s / {r.HealTime.TotalSeconds:0.0}s)");
        Row("operations (ok / unknown / failed)", $"{r.Operations} ({r.OperationsOk} / {r.OperationsUnknown} / {r.OperationsFailed})");
        Row("acknowledged writes", r.Acknowledged);
        Row("lost acknowledged writes", r.Lost, r.Lost == 0);
        Row("resurrections", r.Resurrections, r.Resurrections == 0);
        Row("sibling violations", r.SiblingViolations, r.SiblingViolations == 0);
        Row("rejected well-formed requests", r.Rejections, r.Rejections == 0);
        Row("faults", string.Join(", ", r.Faults.OrderBy(f => f.Key).Select(f => $"{f.Key} x{f.Value}")));
        Row("membership settled / hints drained / converged", $"{r.MembershipSettled} / {r.HintsDrained} / {r.Converged}", r.MembershipSettled && r.HintsDrained && r.Converged);
        if (r.Comparison is { } c)
        {
            Row("replica comparison", c.Summary, c.Converged);
        }

        Row("node stats", string.Join(", ", r.NodeStats.Where(s => s.Value > 0).Select(s => $"{s.Key} {s.Value}")));
        Row("fuzzed requests", r.Fuzzed);
        if (r.Fuzz is { } f)
        {
            Row("fuzzed by target", string.Join(", ", f.ByCategory.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => $"{x.Key} {x.Value}")));
            Row("answers to fuzzing", string.Join(", ", f.ByOutcome.OrderByDescending(x => x.Value).Take(14).Select(x => $"{x.Key} {x.Value}")));
        }

        Row("5xx", r.ServerErrors, r.ServerErrors == 0);
        Row("crashes", r.Crashes.Count, r.Crashes.Count == 0);
        Row("memory bounded", string.Join(", ", r.Memory.Select(m => $"{m.Process} {m.Before >> 20}→{m.Peak >> 20} MB")), r.MemoryBounded);
        Row("serves after fuzzing", r.ServesAfterFuzz, r.ServesAfterFuzz);
        AnsiConsole.Write(main);

        if (r.Problems.Count > 0)
        {
            AnsiConsole.MarkupLine($"[red bold]{r.Problems.Count} problems[/]");
            foreach (var p in r.Problems.Take(40))
            {
                AnsiConsole.MarkupLine($"[red]-[/] {Markup.Escape(p)}");
            }
        }

        if (r.HistoryFile is not null)
        {
            AnsiConsole.MarkupLine($"history, fault log and statuses: [blue]{Markup.Escape(r.HistoryFile)}[/]");
        }
    }
}
