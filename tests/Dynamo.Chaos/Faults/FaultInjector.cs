using System.Collections.Concurrent;
using System.Net;
using Dynamo.Chaos.Cluster;
using Dynamo.Testing;

namespace Dynamo.Chaos.Faults;

/// <summary>
/// Executes a <see cref="FaultSchedule"/> against the real processes and undoes every fault: killed nodes
/// restart on their data, isolated ones reconnect, the seed and Redis start again. Process faults run one
/// at a time; membership changes run on their own track. Everything is logged with its time.
/// </summary>
public sealed class FaultInjector : IDisposable
{
    private static readonly TimeSpan UndoDeadline = TimeSpan.FromSeconds(90);
    private readonly ClusterApp _cluster;
    private readonly ProcessWatch _watch;
    private readonly ChaosLog _log;
    private readonly Queue<string> _spares;
    private readonly ConcurrentDictionary<string, byte> _members = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _busy = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<FaultKind, int> _counts = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<string> _joined = new();
    private readonly ConcurrentQueue<string> _decommissioned = new();

    // Aspire starts a node only once the seed it waits for is running (and the seed only with Redis): a
    // spare must not be started while the seed or Redis is stopped by a fault.
    private readonly SemaphoreSlim _seedGate = new(1, 1);

    public FaultInjector(ClusterApp cluster, ProcessWatch watch, ChaosLog log, IEnumerable<string> spares)
    {
        _cluster = cluster;
        _watch = watch;
        _log = log;
        _spares = new Queue<string>(spares);
        foreach (var node in cluster.NodeNames)
        {
            _members[node] = 0;
        }
    }

    /// <summary>Faults that could not be done or undone (a node that does not come back is a finding).</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    public IReadOnlyDictionary<FaultKind, int> Counts => _counts;

    /// <summary>Spares that were started and joined.</summary>
    public IReadOnlyCollection<string> Joined => _joined;

    /// <summary>Members whose decommission the seed accepted; they must end up "left".</summary>
    public IReadOnlyCollection<string> Decommissioned => _decommissioned;

    /// <summary>Storage nodes with a running process: the original nodes and the started spares.</summary>
    public IEnumerable<string> RunningNodes => _cluster.NodeNames.Concat(_joined);

    /// <summary>Nodes that should own partitions once everything settles.</summary>
    public IEnumerable<string> ExpectedRing => RunningNodes.Except(_decommissioned);

    /// <summary>
    /// Runs the process faults in order until <paramref name="loadEnd"/>: the first one of each kind always,
    /// later ones only when they can be undone before the load ends.
    /// </summary>
    public async Task RunFaultsAsync(IReadOnlyList<FaultPlan> plans, TimeSpan loadEnd, CancellationToken cancellation)
    {
        var seen = new HashSet<FaultKind>();
        foreach (var plan in plans)
        {
            bool first = seen.Add(plan.Kind);
            if (cancellation.IsCancellationRequested || (!first && _log.Clock.Elapsed + plan.Gap + plan.Hold + UndoEstimate(plan.Kind) > loadEnd))
            {
                break;
            }

            // The gap and the hold are the schedule itself (how long a fault lasts), not synchronization.
            await Task.Delay(plan.Gap, CancellationToken.None);
            try
            {
                await ExecuteAsync(plan);
                _counts.AddOrUpdate(plan.Kind, 1, (_, n) => n + 1);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Error($"{plan.Kind}: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    /// <summary>Runs the membership changes: at each plan's time into the load a spare joins, then a member is decommissioned.</summary>
    public async Task RunMembershipAsync(IReadOnlyList<MembershipPlan> plans, TimeSpan loadStart, CancellationToken cancellation)
    {
        foreach (var plan in plans)
        {
            var wait = loadStart + plan.At - _log.Clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellation);
            }

            if (!_spares.TryDequeue(out var spare))
            {
                Error("no spare node left to join");
                return;
            }

            try
            {
                await JoinAsync(spare);
                await DecommissionAsync(plan.LeaverPick, spare);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Error($"membership change: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    private static TimeSpan UndoEstimate(FaultKind kind) => kind switch
    {
        FaultKind.KillNode => TimeSpan.FromSeconds(20),
        FaultKind.StopSeed => TimeSpan.FromSeconds(15),
        FaultKind.StopRedis => TimeSpan.FromSeconds(6),
        _ => TimeSpan.FromSeconds(2),
    };

    private async Task ExecuteAsync(FaultPlan plan)
    {
        switch (plan.Kind)
        {
            case FaultKind.KillNode:
            {
                var node = PickNode(plan.TargetPick);
                _busy[node] = 0;
                try
                {
                    using (_watch.ExpectDown(node))
                    {
                        _log.Write("FAULT", $"SIGKILL {node} for {plan.Hold.TotalSeconds:0.0}s");
                        await _cluster.KillAsync(node);
                        await Task.Delay(plan.Hold);
                        _log.Write("UNDO", $"restarting {node} on its RocksDB data");
                        await _cluster.StartAsync(node);
                    }

                    _log.Write("HEALED", $"{node} is healthy again");
                }
                finally
                {
                    _busy.TryRemove(node, out _);
                }

                break;
            }

            case FaultKind.IsolateNode:
            {
                var node = PickNode(plan.TargetPick);
                _busy[node] = 0;
                try
                {
                    using var admin = _cluster.Admin(node);
                    _log.Write("FAULT", $"cutting {node} off from the cluster for {plan.Hold.TotalSeconds:0.0}s");
                    using (var cut = await admin.PostAsync("/admin/isolate", null))
                    {
                        cut.EnsureSuccessStatusCode();
                    }

                    await Task.Delay(plan.Hold);
                    _log.Write("UNDO", $"reconnecting {node}");
                    await Eventually.Until(async () =>
                    {
                        using var back = await admin.PostAsync("/admin/reconnect", null);
                        return back.StatusCode == HttpStatusCode.OK;
                    }, UndoDeadline, $"{node} to reconnect");
                    _log.Write("HEALED", $"{node} reconnected");
                }
                finally
                {
                    _busy.TryRemove(node, out _);
                }

                break;
            }

            case FaultKind.StopSeed:
            case FaultKind.StopRedis:
            {
                string resource = plan.Kind == FaultKind.StopSeed ? "seed" : "cache";
                await _seedGate.WaitAsync();
                try
                {
                    using (_watch.ExpectDown(resource))
                    {
                        _log.Write("FAULT", $"stopping {resource} for {plan.Hold.TotalSeconds:0.0}s");
                        await _cluster.StopAsync(resource);
                        await Task.Delay(plan.Hold);
                        _log.Write("UNDO", $"starting {resource}");
                        await _cluster.StartAsync(resource);
                    }
                }
                finally
                {
                    _seedGate.Release();
                }

                _log.Write("HEALED", $"{resource} is healthy again");
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(plan), plan.Kind, "not a process fault");
        }
    }

    private string PickNode(int pick)
    {
        var candidates = _members.Keys.Where(n => !_busy.ContainsKey(n) && _watch.IsRunning(n)).Order(StringComparer.Ordinal).ToList();
        return candidates.Count == 0 ? throw new InvalidOperationException("no node can take a fault now") : candidates[pick % candidates.Count];
    }

    private async Task JoinAsync(string spare)
    {
        _busy[spare] = 0;
        try
        {
            await _seedGate.WaitAsync();
            try
            {
                _log.Write("MEMBER", $"starting spare {spare}: it joins and takes its partitions");
                await _cluster.StartAsync(spare);
            }
            finally
            {
                _seedGate.Release();
            }

            _joined.Enqueue(spare);
            await Eventually.Until(async () => (await ClusterTopology.ReadAsync(_cluster.Client)).Node(spare) is { Status: "up", PartitionCount: > 0 }, UndoDeadline, $"{spare} in the ring");
            _members[spare] = 0;
            _counts.AddOrUpdate(FaultKind.JoinNode, 1, (_, n) => n + 1);
            _log.Write("MEMBER", $"{spare} is in the ring");
        }
        finally
        {
            _busy.TryRemove(spare, out _);
        }
    }

    private async Task DecommissionAsync(int pick, string joined)
    {
        var candidates = _members.Keys.Where(n => n != joined).Order(StringComparer.Ordinal).ToList();
        var leaver = candidates[pick % candidates.Count];
        _members.TryRemove(leaver, out _);
        _log.Write("MEMBER", $"decommissioning {leaver} through the seed's admin API");
        using var seed = _cluster.Admin("seed");
        bool retried = false;

        // The seed may be stopped by a concurrent fault: an operator retries until it answers.
        await Eventually.Until(async () =>
        {
            try
            {
                using var leave = await seed.PostAsync($"/admin/nodes/{leaver}/leave", null);
                return leave.StatusCode == HttpStatusCode.Accepted || (retried && leave.StatusCode == HttpStatusCode.Conflict);
            }
            finally
            {
                retried = true;
            }
        }, UndoDeadline, $"the seed to accept {leaver}'s decommission");
        _decommissioned.Enqueue(leaver);
        _counts.AddOrUpdate(FaultKind.DecommissionNode, 1, (_, n) => n + 1);
        _log.Write("MEMBER", $"{leaver} is leaving: it hands its partitions off");
    }

    private void Error(string what)
    {
        _errors.Enqueue($"{_log.Clock.Stamp} {what}");
        _log.Write("ERROR", what);
    }

    public void Dispose() => _seedGate.Dispose();
}
