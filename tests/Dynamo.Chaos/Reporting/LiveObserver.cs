using System.Collections.Concurrent;
using Spectre.Console;

namespace Dynamo.Chaos.Reporting;

/// <summary>Live progress on an interactive console: one Spectre progress bar per phase (with elapsed time and an estimate of what remains), events printed above them.</summary>
public sealed class LiveObserver(ProgressContext context) : IChaosObserver
{
    private readonly ConcurrentDictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void BeginPhase(string phase, double total)
    {
        lock (_gate)
        {
            _tasks[phase] = context.AddTask(Markup.Escape(phase), autoStart: true, maxValue: Math.Max(1, total));
        }
    }

    public void Report(string phase, double done, string detail)
    {
        if (_tasks.TryGetValue(phase, out var task))
        {
            lock (_gate)
            {
                task.Value = Math.Min(done, task.MaxValue);
                task.Description = Markup.Escape($"{phase}: {Short(detail)}");
            }
        }
    }

    public void EndPhase(string phase, string detail)
    {
        if (_tasks.TryGetValue(phase, out var task))
        {
            lock (_gate)
            {
                task.Value = task.MaxValue;
                task.Description = Markup.Escape($"{phase}: {Short(detail)}");
                task.StopTask();
            }
        }
    }

    public void Log(string line)
    {
        lock (_gate)
        {
            string color = line.Contains(" PROBLEM ", StringComparison.Ordinal) || line.Contains(" ERROR ", StringComparison.Ordinal) || line.Contains(" CRASH ", StringComparison.Ordinal)
                ? "red"
                : line.Contains(" FAULT ", StringComparison.Ordinal) ? "yellow" : line.Contains(" HEALED ", StringComparison.Ordinal) || line.Contains(" UNDO ", StringComparison.Ordinal) ? "green" : "grey";
            AnsiConsole.MarkupLine($"[{color}]{Markup.Escape(line)}[/]");
        }
    }

    private static string Short(string detail) => detail.Length > 90 ? detail[..90] + "…" : detail;
}
