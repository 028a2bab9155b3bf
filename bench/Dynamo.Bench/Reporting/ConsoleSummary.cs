using System.Globalization;
using Spectre.Console;

namespace Dynamo.Bench.Reporting;

/// <summary>The table printed at the end of a run.</summary>
public static class ConsoleSummary
{
    public static void Print(RunResults results)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Dynamo.Bench results[/]");
        table.AddColumn("system");
        table.AddColumn("workload");
        table.AddColumn(new TableColumn("ops/s").RightAligned());
        table.AddColumn(new TableColumn("p50 ms").RightAligned());
        table.AddColumn(new TableColumn("p99 ms").RightAligned());
        table.AddColumn(new TableColumn("p99.9 ms").RightAligned());
        table.AddColumn(new TableColumn("max ms").RightAligned());
        table.AddColumn(new TableColumn("errors").RightAligned());
        var rounds = results.Options.Rounds > 1;
        if (rounds)
        {
            table.AddColumn(new TableColumn("ops/s per round").RightAligned());
        }

        foreach (var s in results.Systems)
        {
            if (!s.Available)
            {
                table.AddRow([Markup.Escape(s.Name), "[yellow]unavailable[/]", "-", "-", "-", "-", "-", "-", .. rounds ? ["-"] : Array.Empty<string>()]);
                continue;
            }

            foreach (var w in results.Options.Workloads)
            {
                if (s.Phase(w.Name) is not { } p)
                {
                    continue;
                }

                var errors = s.ErrorsAllRounds(w.Name);
                string[] row =
                [
                    Markup.Escape(s.Name),
                    Markup.Escape(w.Name),
                    F($"{p.OpsPerSec:N0}"),
                    F($"{p.P50Ms:0.00}"),
                    F($"{p.P99Ms:0.00}"),
                    F($"{p.P999Ms:0.00}"),
                    F($"{p.MaxMs:0.00}"),
                    errors > 0 ? F($"[red]{errors:N0}[/]") : "0",
                ];
                table.AddRow(rounds ? [.. row, string.Join(" · ", s.Rounds(w.Name).Select(r => r.Round == p.Round ? F($"[bold]{r.OpsPerSec:N0}[/]") : F($"{r.OpsPerSec:N0}")))] : row);
            }

        }

        AnsiConsole.Write(table);
        if (rounds)
        {
            AnsiConsole.MarkupLine(F($"[grey]{results.Options.Rounds} rounds, systems alternating; each row is its median round (bold), errors summed over all rounds[/]"));
        }

        foreach (var s in results.Systems.Where(s => s.Reason is not null))
        {
            var what = s.Available ? "stopped early" : "unavailable";
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(s.Name)} {what}:[/] {Markup.Escape(Shorten(s.Reason!, 400))}");
        }
    }

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
