using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dynamo.Bench.Abstractions;
using Dynamo.Bench.Cli;
using Dynamo.Bench.Hooks;
using Dynamo.Bench.Infrastructure;
using Dynamo.Bench.Load;
using Dynamo.Bench.Reporting;
using Dynamo.Bench.Systems;
using Spectre.Console;

namespace Dynamo.Bench;

/// <summary>
/// One bench run: for each round, for each selected system (catalog order, rotated by one
/// place each round) start it, connect the clients, preload, run every workload, stop it;
/// then the hooks; then JSON, HTML, the summary table and, as the very last line, the ratios.
/// </summary>
/// <remarks>
/// Rounds exist because a single measurement on a shared 2-core machine moves by ±15 %:
/// alternating the systems spreads slow spells and the bench process's own warm-up over all
/// of them, and each system reports its median round.
/// </remarks>
public sealed class BenchRunner(BenchOptions options)
{
    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(20);

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var reaped = ProcessSupervisor.ReapOrphans();
        using var supervisor = new ProcessSupervisor();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var signals = new ShutdownSignals(cts, supervisor);
        var token = cts.Token;

        var selected = SystemCatalog.All.Where(s => options.Systems is null || options.Systems.Contains(s.Name)).ToList();
        var results = new RunResults(options, DateTimeOffset.UtcNow);
        foreach (var s in selected)
        {
            results.Systems.Add(new SystemOutcome(s.Name, s.Summary));
        }

        PrintHeader(selected, reaped, results.LoadAverageAtStart);
        var keys = new KeySpace(options.Keys, options.Distribution, options.ZipfianConstant);
        var hooks = BenchHooks.Create(options);
        var eta = new EtaModel(options, selected.Count * options.Rounds, hooks.Count);
        using var loadStop = new CancellationTokenSource();
        var loadSampler = SampleLoadAsync(results, loadStop.Token);
        try
        {
            await AnsiConsole.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(
                    new TaskDescriptionColumn { Alignment = Justify.Left },
                    new ProgressBarColumn(),
                    new PercentageColumn(),
                    new ElapsedTimeColumn(),
                    new RemainingTimeColumn(),
                    new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    var overall = ctx.AddTask("[bold]overall[/]", maxValue: eta.RemainingSeconds());
                    using var tickerStop = new CancellationTokenSource();
                    var ticker = TickOverallAsync(overall, eta, tickerStop.Token);
                    try
                    {
                        for (var round = 1; round <= options.Rounds && !token.IsCancellationRequested; round++)
                        {
                            foreach (var i in RoundOrder(selected.Count, round))
                            {
                                if (token.IsCancellationRequested)
                                {
                                    break;
                                }

                                // A system that could not start, or stopped early, is not retried in later rounds.
                                if (round > 1 && results.Systems[i].Reason is not null)
                                {
                                    eta.EndSystem();
                                    continue;
                                }

                                var task = ctx.AddTask(Markup.Escape(Label(selected[i].Name, round)), maxValue: eta.PhaseSecondsPerSystem);
                                await RunSystemAsync(selected[i], results.Systems[i], keys, supervisor, task, eta, round, token);
                            }
                        }

                        foreach (var hook in hooks)
                        {
                            if (token.IsCancellationRequested)
                            {
                                break;
                            }

                            var task = ctx.AddTask(Markup.Escape(hook.Title));
                            task.IsIndeterminate = true;
                            eta.BeginStage(EtaModel.HookAllowance);
                            results.HookResults[hook.ResultKey] = await RunHookAsync(hook, selected, results, supervisor, task, token);
                            eta.EndHook();
                            task.IsIndeterminate = false;
                            task.Value = task.MaxValue;
                        }
                    }
                    finally
                    {
                        await tickerStop.CancelAsync();
                        await ticker;
                        overall.MaxValue = Math.Max(1, overall.Value);
                        overall.Value = overall.MaxValue;
                        overall.StopTask();
                    }
                });
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }

        await loadStop.CancelAsync();
        await loadSampler;
        results.Finished = DateTimeOffset.UtcNow;
        results.LoadAverageAtEnd = MachineInfo.LoadAverage();
        results.Interrupted = token.IsCancellationRequested;
        foreach (var s in results.Systems.Where(s => !s.Available && s.Reason is null))
        {
            s.Reason = results.Interrupted ? "not run (interrupted)" : "not run";
        }

        supervisor.KillAll();
        await ResultsJson.WriteAsync(options.OutPath, results, CancellationToken.None);
        await HtmlReport.WriteAsync(options.ReportPath, results, CancellationToken.None);

        AnsiConsole.WriteLine();
        ConsoleSummary.Print(results);
        if (results.LoadSummary() is { } load)
        {
            // The bench's own load (64 clients, the servers' threads) is counted too: only the load found at the start tells of other work.
            var busy = results.LoadAverageAtStart is { } start && start[0] > Environment.ProcessorCount ? "[yellow]" : "[grey]";
            AnsiConsole.MarkupLine(F($"{busy}1-min load average during the run, the bench's own included: median {load.Median:0.0} (min {load.Min:0.0}, max {load.Max:0.0}) on {Environment.ProcessorCount} cores; at the start {results.LoadAverageAtStart?[0] ?? 0:0.0}; run took {(results.Finished - results.Started).TotalSeconds:0} s[/]"));
        }

        AnsiConsole.MarkupLine($"results: [link]{Markup.Escape(Path.GetFullPath(options.OutPath))}[/]");
        AnsiConsole.MarkupLine($"report:  [link]{Markup.Escape(Path.GetFullPath(options.ReportPath))}[/]");
        if (results.Interrupted)
        {
            AnsiConsole.MarkupLine("[yellow]interrupted: partial results written[/]");
        }

        // The contract: the last line printed is the ratios line (plain, never wrapped).
        Console.Out.Flush();
        Console.Out.WriteLine(Ratios.Line(results));
        Console.Out.Flush();
        return results.Interrupted ? 130 : 0;
    }

    /// <summary>Calls <see cref="IBenchSystem.ConnectAsync"/> <paramref name="count"/> times.</summary>
    public static async Task<List<IKeyValueClient>> ConnectClientsAsync(IBenchSystem system, int count, CancellationToken ct)
    {
        var clients = new List<IKeyValueClient>(count);
        for (var i = 0; i < count; i++)
        {
            clients.Add(await system.ConnectAsync(ct));
        }

        return clients;
    }

    /// <summary>Disposes clients then the system, never throwing and never waiting forever.</summary>
    public static async Task StopAsync(IBenchSystem? system, IReadOnlyList<IKeyValueClient> clients)
    {
        try
        {
            foreach (var c in clients)
            {
                await c.DisposeAsync().AsTask().WaitAsync(DisposeTimeout);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or ObjectDisposedException or IOException)
        {
        }

        if (system is null)
        {
            return;
        }

        try
        {
            await system.DisposeAsync().AsTask().WaitAsync(DisposeTimeout);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or ObjectDisposedException or IOException)
        {
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(system.Name)}: stopping failed ({Markup.Escape(ex.Message)}); its processes are killed at exit[/]");
        }
    }

    /// <summary>How a system's run is named in the progress display and the log: with its round when there are several.</summary>
    private string Label(string name, int round) => options.Rounds > 1 ? F($"{name} (round {round}/{options.Rounds})") : name;

    /// <summary>The catalog order rotated by one place per round: every system runs early in some round and late in another.</summary>
    public static IEnumerable<int> RoundOrder(int systems, int round) =>
        Enumerable.Range(0, systems).Select(i => (i + round - 1) % systems);

    private async Task RunSystemAsync(
        SystemDescriptor descriptor,
        SystemOutcome outcome,
        KeySpace keys,
        ProcessSupervisor supervisor,
        ProgressTask task,
        EtaModel eta,
        int round,
        CancellationToken ct)
    {
        var name = descriptor.Name;
        var label = Label(name, round);
        void Status(string text) => task.Description = $"[bold]{Markup.Escape(label)}[/] {Markup.Escape(text)}";

        IBenchSystem? system = null;
        List<IKeyValueClient> clients = [];
        var stage = Stopwatch.StartNew();
        try
        {
            Status("starting");
            eta.BeginStage(EtaModel.StartAllowance);
            system = descriptor.Create(new SystemContext(supervisor, Status, options));
            await system.StartAsync(ct);
            clients = await ConnectClientsAsync(system, options.Clients, ct);
            outcome.Description = system.Description;
            outcome.StartSeconds = stage.Elapsed.TotalSeconds;

            if (options.Preload && options.Workloads.Any(w => w.HasGets))
            {
                eta.BeginStage(eta.PreloadAllowance);
                stage.Restart();
                Status($"preloading {keys.Count:N0} keys");
                await LoadRunner.PreloadAsync(
                    clients,
                    keys,
                    options.ValueSize,
                    done => Status($"preloading {done:N0}/{keys.Count:N0} keys"),
                    ct);
                outcome.PreloadSeconds = stage.Elapsed.TotalSeconds;
            }

            eta.EndStage();
            foreach (var workload in options.Workloads)
            {
                var result = await LoadRunner.RunAsync(
                    name,
                    clients,
                    keys,
                    workload,
                    options.ToLoadSettings(),
                    tick =>
                    {
                        var phase = tick.Warmup
                            ? F($"warm-up {tick.Second}/{options.WarmupSeconds} s")
                            : F($"{tick.Second - options.WarmupSeconds}/{options.DurationSeconds} s");
                        Status(F($"{workload.Name} {phase} · {tick.OpsPerSec:N0} ops/s · p99 {tick.P99Ms:0.0} ms · errors {tick.Errors}"));
                        task.Increment(1);
                        eta.PhaseSecondDone();
                    },
                    ct,
                    ServerProcessIds(system)) with { Round = round };
                outcome.Phases.Add(result);
                if (system is IReportsStats stats)
                {
                    outcome.ClientStats = stats.Stats();
                }

                AnsiConsole.MarkupLine(F($"[green]{Markup.Escape(label)}[/] {Markup.Escape(workload.Name)}: {result.OpsPerSec:N0} ops/s, p50 {result.P50Ms:0.00} ms, p99 {result.P99Ms:0.00} ms, p99.9 {result.P999Ms:0.00} ms, errors {result.Errors:N0}{CpuNote(result)}"));
            }

            Status("done");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            outcome.Reason = "interrupted";
            Status("interrupted");
        }
        catch (Exception ex)
        {
            outcome.Reason = ex is SystemUnavailableException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            Status("unavailable");
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(name)} unavailable:[/] {Markup.Escape(outcome.Reason)}");
        }
        finally
        {
            Status(outcome.Reason is null ? "stopping" : "stopping (" + Markup.Escape(outcome.Reason.Length > 40 ? outcome.Reason[..40] + "…" : outcome.Reason) + ")");
            await StopAsync(system, clients);
            Status(outcome.Available ? (outcome.Reason is null ? "done" : "stopped early") : "unavailable");
            task.Value = task.MaxValue;
            task.StopTask();
            eta.EndSystem();
        }
    }

    private async Task<JsonNode?> RunHookAsync(
        IBenchHook hook,
        IReadOnlyList<SystemDescriptor> selected,
        RunResults results,
        ProcessSupervisor supervisor,
        ProgressTask task,
        CancellationToken ct)
    {
        var context = new BenchHookContext(options, selected, results, supervisor, text => task.Description = $"[bold]{Markup.Escape(hook.Title)}[/] {Markup.Escape(text)}");
        try
        {
            return await hook.RunAsync(context, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex)
        {
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(hook.ResultKey)} failed:[/] {Markup.Escape(ex.Message)}");
            return new JsonObject { ["error"] = $"{ex.GetType().Name}: {ex.Message}" };
        }
    }

    // Other work on the machine shows up here: the figures of a run with a median load above the core count are low.
    private static async Task SampleLoadAsync(RunResults results, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        try
        {
            do
            {
                if (MachineInfo.LoadAverage() is { } la)
                {
                    lock (results.LoadSamples)
                    {
                        results.LoadSamples.Add((Math.Round(clock.Elapsed.TotalSeconds), la[0]));
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task TickOverallAsync(ProgressTask overall, EtaModel eta, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var elapsed = started.Elapsed.TotalSeconds;
                overall.MaxValue = elapsed + eta.RemainingSeconds();
                overall.Value = elapsed;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void PrintHeader(IReadOnlyList<SystemDescriptor> selected, int reaped, double[]? loadAverage)
    {
        var o = options;
        AnsiConsole.MarkupLine($"[bold]Dynamo.Bench[/] · {Markup.Escape(MachineInfo.OneLine())}");
        var load = o.Mode == LoadMode.Open
            ? F($"open loop at {o.Rate:N0} ops/s over {o.Clients} lanes")
            : F($"closed loop, {o.Clients} clients");
        var dist = o.Distribution == KeyDistribution.Zipfian ? F($"zipfian {o.ZipfianConstant}") : "uniform";
        AnsiConsole.MarkupLine(Markup.Escape(F($"{load}; {o.DurationSeconds} s per system per workload after {o.WarmupSeconds} s warm-up, {o.Rounds} round(s) with the systems alternating; {o.Keys:N0} keys ({dist}), {o.ValueSize} B values; workloads {string.Join(", ", o.Workloads.Select(w => w.Name))}; preload {(o.Preload ? "on" : "off")}")));
        AnsiConsole.MarkupLine(Markup.Escape("systems: " + string.Join(", ", selected.Select(s => s.Name))));
        if (loadAverage is not null && loadAverage[0] > Environment.ProcessorCount)
        {
            AnsiConsole.MarkupLine(F($"[yellow]load average {loadAverage[0]:0.0} on {Environment.ProcessorCount} cores: other work is using the CPU, figures will be low[/]"));
        }

        if (reaped > 0)
        {
            AnsiConsole.MarkupLine(F($"[yellow]killed {reaped} process(es) left behind by an earlier run that did not exit cleanly[/]"));
        }
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>The processes whose CPU is charged to a system: all its servers when it says, else its nodes.</summary>
    public static IReadOnlyList<int>? ServerProcessIds(IBenchSystem system) =>
        (system as IServerProcesses)?.ServerProcessIds ?? (system as INodeProcesses)?.NodeProcessIds;

    private static string CpuNote(PhaseResult r) =>
        r.CpuMicrosPerOp is { } us
            ? F($", cpu {us:0} µs/op (bench {r.BenchCpuSeconds / r.MeasuredSeconds:0.00} + servers {(r.ServerCpuSeconds ?? 0) / r.MeasuredSeconds:0.00} cores)")
            : "";

    /// <summary>
    /// Estimates the time left for the overall ETA: measured phases are exact; start-up,
    /// preload and hooks use allowances (start 8 s, preload keys/8000 s, hook 60 s) that shrink
    /// as the stage runs.
    /// </summary>
    private sealed class EtaModel(BenchOptions options, int systems, int hooks)
    {
        public const double StartAllowance = 8;
        public const double HookAllowance = 60;
        private readonly Lock _gate = new();
        private readonly Stopwatch _stage = new();
        private int _systemsLeft = systems;
        private int _hooksLeft = hooks;
        private double _stageAllowance;
        private int _phaseSecondsDoneInSystem;

        public int PhaseSecondsPerSystem => options.Workloads.Count * (options.WarmupSeconds + options.DurationSeconds);

        public double PreloadAllowance => options.Preload && options.Workloads.Any(w => w.HasGets) ? Math.Max(1, options.Keys / 8000.0) : 0;

        public void BeginStage(double allowance)
        {
            lock (_gate)
            {
                _stageAllowance = allowance;
                _stage.Restart();
            }
        }

        public void EndStage()
        {
            lock (_gate)
            {
                _stageAllowance = 0;
                _stage.Reset();
            }
        }

        public void PhaseSecondDone()
        {
            lock (_gate)
            {
                _phaseSecondsDoneInSystem++;
            }
        }

        public void EndSystem()
        {
            lock (_gate)
            {
                _systemsLeft = Math.Max(0, _systemsLeft - 1);
                _phaseSecondsDoneInSystem = 0;
                _stageAllowance = 0;
            }
        }

        public void EndHook()
        {
            lock (_gate)
            {
                _hooksLeft = Math.Max(0, _hooksLeft - 1);
                _stageAllowance = 0;
            }
        }

        public double RemainingSeconds()
        {
            lock (_gate)
            {
                var perSystem = StartAllowance + PreloadAllowance + PhaseSecondsPerSystem + 2;
                var remaining = 0.0;
                if (_systemsLeft > 0)
                {
                    // current system: what is left of its stage and of its phases, then the others
                    var current = Math.Max(1, _stageAllowance - _stage.Elapsed.TotalSeconds)
                        + (_phaseSecondsDoneInSystem == 0 && _stageAllowance >= StartAllowance ? PreloadAllowance : 0)
                        + Math.Max(0, PhaseSecondsPerSystem - _phaseSecondsDoneInSystem);
                    remaining = current + ((_systemsLeft - 1) * perSystem);
                }

                remaining += _hooksLeft * HookAllowance;
                if (_systemsLeft == 0 && _hooksLeft > 0)
                {
                    remaining = Math.Max(1, remaining - _stage.Elapsed.TotalSeconds);
                }

                return Math.Max(1, remaining);
            }
        }
    }
}
