using System.Text.Json;
using Dynamo.Chaos.Cluster;
using Dynamo.Chaos.Faults;
using Dynamo.Chaos.Fuzzing;
using Dynamo.Chaos.Reporting;
using Dynamo.Chaos.Workload;
using Dynamo.Client;
using Dynamo.Simulation;
using Dynamo.Testing;

namespace Dynamo.Chaos;

/// <summary>
/// One Jepsen-style run against the real cluster: start the AppHost, run read-modify-write and set clients
/// (through the router and the partition-aware client) while a seeded schedule kills, isolates, stops and
/// restarts processes and changes membership; heal; wait until hints are delivered and every replica holds
/// the same bytes; read every key at R = N; run the simulation's <see cref="Checker"/> on the real
/// history; then fuzz every endpoint and check that the cluster still serves.
/// </summary>
public sealed class ChaosRun
{
    public const string StartPhase = "start cluster";
    public const string LoadPhase = "load + faults";
    public const string CheckPhase = "final read + check";
    public const string VerifyPhase = "serve after fuzzing";
    private const int Replicas = 3;

    private readonly ChaosOptions _options;
    private readonly IChaosObserver _observer;
    private readonly RunClock _clock = new();
    private readonly ChaosLog _log;
    private readonly RecordedHistory _history;
    private readonly ClientErrors _errors = new();
    private readonly KeySpace _keys;
    private readonly List<string> _problems = [];
    private readonly FaultSchedule _schedule;

    /// <summary>
    /// The AppHost's own log (redirected to a file, see <see cref="AppHostConsole"/>): warnings, and the
    /// output of every process. Failing health checks are what the faults cause, not news.
    /// </summary>
    private static readonly string[] QuietAppHost =
    [
        "Logging:LogLevel:Default=Warning",
        "Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks=None",

        // The processes' own output goes to the AppHost log file, for diagnosis.
        "Logging:LogLevel:Dynamo.AppHost.Resources=Information",
    ];

    private ChaosRun(ChaosOptions options, IChaosObserver observer)
    {
        _options = options;
        _observer = observer;
        _log = new ChaosLog(_clock, observer);
        _history = new RecordedHistory(_clock);
        _keys = new KeySpace(options.KvKeys, options.SetKeys);
        _schedule = FaultSchedule.Create(options.Seed, options.Load, options.EffectiveMembershipChanges);
    }

    public static async Task<ChaosResult> ExecuteAsync(ChaosOptions options, IChaosObserver observer, CancellationToken cancellation = default)
    {
        var run = new ChaosRun(options, observer);
        return await run.RunAsync(cancellation);
    }

    /// <summary>The schedule as printed at the start of a run: seed-determined, so a replay shows the same.</summary>
    public IEnumerable<string> ScheduleLines()
    {
        int likely = 4 + (int)Math.Max(0, (_options.Load.TotalSeconds - 60) / 12);
        foreach (var f in _schedule.Faults.Take(likely))
        {
            yield return "fault: " + f;
        }

        foreach (var m in _schedule.Membership)
        {
            yield return "membership: " + m;
        }
    }

    private async Task<ChaosResult> RunAsync(CancellationToken cancellation)
    {
        var random = new Random(_options.Seed);
        int setR = 1 + random.Next(2), setW = 1 + random.Next(2);
        _log.Write("SEED", $"seed {_options.Seed}: {_options.Load.TotalSeconds:0}s of load on {_options.KvKeys} keys + {_options.SetKeys} set keys (sets r={setR} w={setW}), " +
            $"{_options.RouterClients}+{_options.DirectClients} read-modify-write clients, {_options.SetClients} set clients, {_options.FuzzRequests} fuzzed requests");
        foreach (var line in ScheduleLines())
        {
            _log.Write("PLAN", line);
        }

        var statuses = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        Checker? checker = null;
        Healer.Result? heal = null;
        Fuzzer.Result? fuzz = null;
        FaultInjector? injector = null;
        var crashes = new List<string>();
        bool serves = false;
        var loadTook = TimeSpan.Zero;
        try
        {
            using var appHostConsole = AppHostConsole.Redirect(Path.Combine(Path.GetTempPath(), $"dynamo-chaos-{_options.Seed}-apphost.log"));
            _log.Write("CLUSTER", $"AppHost output goes to {appHostConsole.Path}");
            _observer.BeginPhase(StartPhase, ClusterApp.StartTimeout.TotalSeconds);
            var starting = ClusterApp.StartAsync(nodes: 3, spares: _options.EffectiveMembershipChanges, dashboard: false, extra: QuietAppHost);
            while (!starting.IsCompleted)
            {
                await Task.WhenAny(starting, Task.Delay(TimeSpan.FromSeconds(1), cancellation));
                _observer.Report(StartPhase, _clock.Elapsed.TotalSeconds, "AppHost, Redis, seed, nodes, router");
            }

            await using var cluster = await starting;
            _observer.EndPhase(StartPhase, $"ready in {_clock.Elapsed.TotalSeconds:0}s");
            _log.Write("CLUSTER", $"ready: {(await ClusterTopology.ReadAsync(cluster.Client, cancellation)).Describe()}");
            await using var watch = new ProcessWatch(cluster.App, _log);
            using var faults = injector = new FaultInjector(cluster, watch, _log, Enumerable.Range(cluster.Nodes + 1, _options.EffectiveMembershipChanges).Select(i => "node" + i));

            await cluster.Client.PutTableAsync(KeySpace.SetTable, Replicas, setR, setW, cancellation);
            using var direct = await PartitionAwareClient.ConnectAsync(
                new PartitionAwareClientOptions { NodeId = "chaos-client", ClusterSecret = ClusterApp.ClusterSecret, Seeds = ["seed=" + cluster.GrpcEndpoint("seed")] },
                TimeSpan.FromSeconds(60),
                cancellation);
            await Eventually.Until(() => Task.FromResult(direct.View.Table(KeySpace.SetTable) is not null), TimeSpan.FromSeconds(30), "the partition-aware client to learn the sets table");
            using var routerHttp = new HttpClient { BaseAddress = cluster.App.GetEndpoint("router", "http"), Timeout = TimeSpan.FromSeconds(10) };
            var router = new DynamoHttpClient(routerHttp);

            (_, loadTook) = await LoadAsync(injector, router, direct, cancellation);

            using var comparer = new ReplicaComparer();
            heal = await new Healer(cluster, injector, comparer, _log, _observer).WaitAsync([.. _keys.All], _options.HealTimeout);
            foreach (var (node, status) in heal.Statuses)
            {
                statuses[node] = status;
            }

            checker = await CheckAsync(cluster.Client);
            if (_options.FuzzRequests > 0)
            {
                fuzz = await new Fuzzer(cluster, watch, _log, _observer).RunAsync(_options.FuzzRequests, _options.Seed, [.. injector.RunningNodes]);
            }

            _observer.BeginPhase(VerifyPhase, 1);
            var notServing = await ServingCheck.RunAsync(cluster.Client, direct, _options.Seed);
            string[] processes = [.. injector.RunningNodes, "router", "seed", "cache"];
            notServing.AddRange(processes.Where(p => !watch.IsRunning(p)).Select(p => $"{p} is not running at the end"));
            serves = notServing.Count == 0;
            _problems.AddRange(notServing);
            _observer.EndPhase(VerifyPhase, serves ? "reads back what it acknowledged" : $"{notServing.Count} problems");
            crashes.AddRange(watch.Crashes);
            _log.Write("CLUSTER", "stopping the AppHost");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _problems.Add($"the run aborted: {ex.GetType().Name}: {ex.Message}");
            _log.Write("ERROR", ex.ToString());
        }

        return Conclude(checker, heal, fuzz, injector, crashes, serves, loadTook, statuses);
    }

    private async Task<(TimeSpan Started, TimeSpan Took)> LoadAsync(FaultInjector injector, DynamoHttpClient router, PartitionAwareClient direct, CancellationToken cancellation)
    {
        var clients = new List<WorkloadClient>();
        for (int i = 0; i < _options.RouterClients; i++)
        {
            clients.Add(new WorkloadClient($"router-kv{i}", router, _history, _keys, new Random(_options.Seed + 101 + i), sets: false, _errors));
        }

        for (int i = 0; i < _options.DirectClients; i++)
        {
            clients.Add(new WorkloadClient($"direct-kv{i}", direct, _history, _keys, new Random(_options.Seed + 201 + i), sets: false, _errors));
        }

        for (int i = 0; i < _options.SetClients; i++)
        {
            IDynamoClient via = i % 2 == 0 ? router : direct;
            clients.Add(new WorkloadClient($"{(i % 2 == 0 ? "router" : "direct")}-set{i}", via, _history, _keys, new Random(_options.Seed + 301 + i), sets: true, _errors));
        }

        var started = _clock.Elapsed;
        var end = started + _options.Load;
        using var stop = new CancellationTokenSource();
        var running = clients.Select(c => Task.Run(() => c.RunAsync(stop.Token), CancellationToken.None)).ToList();
        var faults = _options.InjectFaults ? injector.RunFaultsAsync(_schedule.Faults, end, cancellation) : Task.CompletedTask;
        var membership = _options.InjectFaults ? injector.RunMembershipAsync(_schedule.Membership, started, cancellation) : Task.CompletedTask;
        _observer.BeginPhase(LoadPhase, _options.Load.TotalSeconds);
        _log.Write("LOAD", $"{clients.Count} clients started");

        // The load lasts its time and until every fault is undone and every membership change is under way.
        while ((_clock.Elapsed < end || !faults.IsCompleted || !membership.IsCompleted) && !cancellation.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), CancellationToken.None);
            _observer.Report(LoadPhase, Math.Min((_clock.Elapsed - started).TotalSeconds, _options.Load.TotalSeconds),
                $"{_history.Ok} ok, {_history.Unknown} unknown, {_history.Failed} failed; faults {string.Join(" ", injector.Counts.OrderBy(c => c.Key).Select(c => $"{c.Key}:{c.Value}"))}");
        }

        await stop.CancelAsync();
        await Task.WhenAll(running);
        await Task.WhenAll(faults, membership);
        var took = _clock.Elapsed - started;
        _observer.EndPhase(LoadPhase, $"{_history.History.Ops.Count} operations in {took.TotalSeconds:0}s");
        _log.Write("LOAD", $"stopped after {took.TotalSeconds:0}s: {_history.History.Ops.Count} operations, {_history.Ok} ok, {_history.Unknown} unknown, {_history.Failed} failed, {_errors.Unavailable} unavailable answers");
        return (started, took);
    }

    private async Task<Checker> CheckAsync(DynamoHttpClient router)
    {
        _observer.BeginPhase(CheckPhase, 1);
        var (final, failures) = await FinalReader.ReadAsync(router, _keys.All, Replicas, TimeSpan.FromSeconds(60));
        _problems.AddRange(failures);
        var checker = new Checker(_history.History, final).Run();
        var duplicates = DuplicateVersions.Find(_history.Snapshot(), final);
        _problems.AddRange(duplicates);
        int present = final.Values.Count(f => f.Values.Count > 0);
        int siblings = final.Values.Count(f => f.Values.Count > 1);
        _log.Write("CHECK", $"{final.Count} keys read at r={Replicas}: {present} with values, {siblings} with siblings; {checker.AcknowledgedWrites} acknowledged writes, " +
            $"{checker.LostWrites.Count} lost, {checker.Resurrections.Count} resurrected, {checker.SiblingViolations.Count} sibling violations, {checker.LostElements.Count} lost set elements, {checker.Rejections.Count} rejections, {duplicates.Count} writes applied twice");
        _observer.EndPhase(CheckPhase, checker.Passed && duplicates.Count == 0 ? "nothing lost" : "FAILED");
        return checker;
    }

    private ChaosResult Conclude(Checker? checker, Healer.Result? heal, Fuzzer.Result? fuzz, FaultInjector? injector, List<string> crashes, bool serves, TimeSpan loadTook, Dictionary<string, JsonElement> statuses)
    {
        if (checker is not null)
        {
            _problems.AddRange(checker.LostWrites.Concat(checker.Resurrections).Concat(checker.SiblingViolations).Concat(checker.LostElements).Concat(checker.Rejections));
        }

        if (heal is { Healed: false })
        {
            _problems.Add($"not healed within {_options.HealTimeout.TotalSeconds:0}s (membership settled {heal.MembershipSettled}, hints drained {heal.HintsDrained}, converged {heal.Converged}): {heal.Why}");
            _problems.AddRange(heal.Comparison?.Differences.Take(20).Select(d => "replicas differ: " + d) ?? []);
        }

        _problems.AddRange(_errors.Samples.Where(s => !s.StartsWith("4xx", StringComparison.Ordinal)).Select(s => "workload: " + s));
        if (injector is not null)
        {
            _problems.AddRange(injector.Errors.Select(e => "fault: " + e));
        }

        _problems.AddRange(crashes.Select(c => "crash: " + c));
        if (fuzz is not null)
        {
            _problems.AddRange(fuzz.Stats.ServerErrorKinds.OrderByDescending(k => k.Value).Select(k => $"fuzz 5xx x{k.Value}: {k.Key}"));
            _problems.AddRange(fuzz.Stats.FindingSamples.Select(s => "fuzz: " + s));
            _problems.AddRange(fuzz.Memory.Where(m => !m.Bounded).Select(m => $"memory of {m.Process} grew from {m.Before >> 20} MB to a peak of {m.Peak >> 20} MB"));
        }

        var nodeStats = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var status in statuses.Values)
        {
            foreach (var stat in status.GetProperty("stats").EnumerateObject())
            {
                nodeStats[stat.Name] = nodeStats.GetValueOrDefault(stat.Name) + stat.Value.GetInt64();
            }
        }

        var ops = _history.Snapshot();
        var result = new ChaosResult
        {
            Seed = _options.Seed,
            Duration = _clock.Elapsed,
            LoadDuration = loadTook,
            Acknowledged = checker?.AcknowledgedWrites ?? 0,
            Lost = checker is null ? 0 : checker.LostWrites.Count + checker.LostElements.Count,
            Resurrections = checker?.Resurrections.Count ?? 0,
            SiblingViolations = checker?.SiblingViolations.Count ?? 0,
            Rejections = checker?.Rejections.Count ?? 0,
            ServerErrors = _errors.ServerErrors + (fuzz?.Stats.ServerErrors ?? 0),
            Fuzzed = fuzz?.Stats.Total ?? 0,
            Operations = ops.Count,
            OperationsOk = ops.Count(o => o.Outcome == Outcome.Ok),
            OperationsUnknown = ops.Count(o => o.Outcome == Outcome.Unknown),
            OperationsFailed = ops.Count(o => o.Outcome == Outcome.Failed),
            MembershipSettled = heal?.MembershipSettled ?? false,
            HintsDrained = heal?.HintsDrained ?? false,
            Converged = heal?.Converged ?? false,
            HealTime = heal?.Took ?? TimeSpan.Zero,
            Faults = injector?.Counts.ToDictionary() ?? [],
            Crashes = crashes,
            MemoryBounded = fuzz?.MemoryBounded ?? true,
            Memory = fuzz?.Memory ?? [],
            ServesAfterFuzz = serves,
            Fuzz = fuzz?.Stats,
            Comparison = heal?.Comparison,
            NodeStats = nodeStats,
            Problems = [.. _problems],
        };

        if (!result.Passed || _options.HistoryPath is not null)
        {
            var file = HistoryDump.Write(_options.HistoryPath, _options, result, ScheduleLines(), _log.Lines, statuses, ops);
            result = result with { HistoryFile = file };
        }

        return result;
    }
}
