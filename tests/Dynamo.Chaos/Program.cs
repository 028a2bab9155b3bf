using System.CommandLine;
using Dynamo.Chaos;
using Dynamo.Chaos.Reporting;
using Spectre.Console;

var minutes = new Option<double>("--minutes") { Description = "Minutes of load under faults.", DefaultValueFactory = _ => 1 };
var seed = new Option<int?>("--seed") { Description = "Seed of the fault schedule and the clients (default: random, printed)." };
var fuzz = new Option<int>("--fuzz") { Description = "Malformed or hostile requests after the check (0: none).", DefaultValueFactory = _ => 10_000 };
var keys = new Option<int>("--keys") { Description = "Read-modify-write keys.", DefaultValueFactory = _ => 200 };
var noFaults = new Option<bool>("--no-faults") { Description = "Run the workload without injecting faults." };
var healTimeout = new Option<int>("--heal-timeout") { Description = "Seconds allowed for hand-off, hints and anti-entropy after the faults.", DefaultValueFactory = _ => 180 };
var history = new Option<string?>("--history") { Description = "Write the history and fault log here (always; by default only on failure, to the temp directory)." };

var root = new RootCommand("Chaos and fuzzing against the real AppHost-launched Dynamo cluster; the last line is \"acknowledged: A, lost: L, 5xx: E, fuzzed: Z\".")
{
    minutes, seed, fuzz, keys, noFaults, healTimeout, history,
};
root.SetAction(async (parse, cancellation) =>
{
    var options = new ChaosOptions
    {
        Load = TimeSpan.FromMinutes(parse.GetValue(minutes)),
        FuzzRequests = parse.GetValue(fuzz),
        KvKeys = Math.Max(1, parse.GetValue(keys)),
        InjectFaults = !parse.GetValue(noFaults),
        HealTimeout = TimeSpan.FromSeconds(parse.GetValue(healTimeout)),
        HistoryPath = parse.GetValue(history),
    };
    if (parse.GetValue(seed) is int s)
    {
        options = options with { Seed = s };
    }

    AnsiConsole.MarkupLine($"[bold]Dynamo chaos[/]: seed [blue]{options.Seed}[/], {options.Load.TotalMinutes:0.##} min of load, {options.FuzzRequests} fuzzed requests");
    AnsiConsole.MarkupLine($"[grey]replay: dotnet run -c Release --project tests/Dynamo.Chaos -- --minutes {parse.GetValue(minutes)} --seed {options.Seed}[/]");
    // Captured before the run: while it lasts, Console.Out carries the AppHost's own log to a file.
    var stdout = Console.Out;
    ChaosResult result;
    if (AnsiConsole.Profile.Capabilities.Interactive)
    {
        result = await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(ctx => ChaosRun.ExecuteAsync(options, new LiveObserver(ctx), cancellation));
    }
    else
    {
        result = await ChaosRun.ExecuteAsync(options, new PlainObserver(stdout.WriteLine), cancellation);
    }

    SummaryPrinter.Print(result);

    // DESIGN §9: this is the last line.
    Console.WriteLine(result.LastLine);
    return result.Passed ? 0 : 1;
});

return await root.Parse(args).InvokeAsync();
