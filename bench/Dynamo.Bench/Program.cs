using System.CommandLine;
using Dynamo.Bench;
using Dynamo.Bench.Cli;
using Spectre.Console;

if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 160; // logs and CI: do not wrap the summary table at 80 columns
}

// dotnet run -c Release --project bench/Dynamo.Bench -- --duration 30 --out bench-results.json
var root = BenchCommand.Build((options, ct) => new BenchRunner(options).RunAsync(ct));

// ProcessTerminationTimeout = null: the bench handles SIGINT/SIGTERM itself (ShutdownSignals)
// so its child processes are always cleaned up before it exits.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
