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
        foreach (var s in results.Systems)
        {
            if (!s.Available)
            {
                table.AddRow(Markup.Escape(s.Name), "[yellow]unavailable[/]", "-", "-", "-", "-", "-", "-");
                continue;
            }

            foreach (var p in s.Phases)
            {
                table.AddRow(
                    Markup.Escape(s.Name),
                    Markup.Escape(p.Workload.Name),
                    F($"{p.OpsPerSec:N0}"),
                    F($"{p.P50Ms:0.00}"),
                    F($"{p.P99Ms:0.00}"),
                    F($"{p.P999Ms:0.00}"),
                    F($"{p.MaxMs:0.00}"),
                    p.Errors > 0 ? F($"[red]{p.Errors:N0}[/]") : "0");
            }

        }

        AnsiConsole.Write(table);
        foreach (var s in results.Systems.Where(s => s.Reason is not null))
        {
            var what = s.Available ? "stopped early" : "unavailable";
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(s.Name)} {what}:[/] {Markup.Escape(Shorten(s.Reason!, 400))}");
        }
    }

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
