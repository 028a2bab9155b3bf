using System.Text.Json;
using Dynamo.Chaos.Faults;
using Dynamo.Testing;

namespace Dynamo.Chaos.Cluster;

/// <summary>
/// After the faults: waits (polling, with a deadline) until membership has settled (joined spares up,
/// decommissioned nodes "left"), every node has delivered its hints, and every replica of every key holds
/// the same bytes. Anti-entropy runs on its own; the healer only nudges it through the admin API.
/// </summary>
public sealed class Healer(ClusterApp cluster, FaultInjector faults, ReplicaComparer comparer, ChaosLog log, IChaosObserver observer)
{
    public const string Phase = "heal & converge";
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan NudgeInterval = TimeSpan.FromSeconds(3);

    public sealed record Result(
        bool MembershipSettled,
        bool HintsDrained,
        bool Converged,
        TimeSpan Took,
        string Why,
        ClusterTopology? Topology,
        ReplicaComparer.Comparison? Comparison,
        IReadOnlyDictionary<string, JsonElement> Statuses)
    {
        public bool Healed => MembershipSettled && HintsDrained && Converged;
    }

    public async Task<Result> WaitAsync(IReadOnlyList<(string Table, string Key)> keys, TimeSpan timeout)
    {
        var started = log.Clock.Elapsed;
        var lastNudge = TimeSpan.Zero;
        bool settled = false, drained = false;
        string why = "not checked yet";
        ClusterTopology? topology = null;
        ReplicaComparer.Comparison? comparison = null;
        var statuses = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        observer.BeginPhase(Phase, timeout.TotalSeconds);
        while (log.Clock.Elapsed - started < timeout)
        {
            observer.Report(Phase, (log.Clock.Elapsed - started).TotalSeconds, why);
            try
            {
                topology = await ClusterTopology.ReadAsync(cluster.Client);
                settled = Settled(topology, out why);
                drained = settled && await HintsDrainedAsync(statuses, w => why = w);
                if (settled && drained)
                {
                    if (log.Clock.Elapsed - lastNudge > NudgeInterval)
                    {
                        lastNudge = log.Clock.Elapsed;
                        await NudgeAntiEntropyAsync(topology);
                    }

                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                    comparison = await comparer.CompareAsync(topology, keys, cts.Token);
                    why = comparison.Summary;
                    if (comparison.Converged)
                    {
                        var took = log.Clock.Elapsed - started;
                        observer.EndPhase(Phase, $"converged in {took.TotalSeconds:0.0}s");
                        log.Write("HEALED", $"converged after {took.TotalSeconds:0.0}s: {topology.Describe()}; {comparison.Summary}");
                        return new Result(true, true, true, took, "", topology, comparison, statuses);
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or Dynamo.Client.DynamoException or Grpc.Core.RpcException)
            {
                why = $"{ex.GetType().Name}: {ex.Message}";
            }

            await Task.Delay(PollInterval);
        }

        var elapsed = log.Clock.Elapsed - started;
        observer.EndPhase(Phase, "NOT converged: " + why);
        log.Write("PROBLEM", $"not healed within {timeout.TotalSeconds:0}s: {why}");
        return new Result(settled, drained, false, elapsed, why, topology, comparison, statuses);
    }

    private bool Settled(ClusterTopology topology, out string why)
    {
        foreach (var node in faults.ExpectedRing)
        {
            if (topology.Node(node) is not { Status: "up", Available: true, PartitionCount: > 0 })
            {
                why = $"waiting for {node} to serve: {topology.Describe()}";
                return false;
            }
        }

        foreach (var node in faults.Decommissioned)
        {
            if (topology.Node(node) is not { Status: "left", PartitionCount: 0 })
            {
                why = $"waiting for {node} to hand off and leave: {topology.Describe()}";
                return false;
            }
        }

        why = "";
        return true;
    }

    private async Task<bool> HintsDrainedAsync(Dictionary<string, JsonElement> statuses, Action<string> why)
    {
        foreach (var node in faults.RunningNodes)
        {
            var status = await cluster.StatusAsync(node);
            statuses[node] = status;
            if (status.GetProperty("isolated").GetBoolean())
            {
                why($"{node} is still isolated");
                return false;
            }

            if (status.GetProperty("hintsPending").GetBoolean())
            {
                why($"{node} still holds hints");
                return false;
            }
        }

        return true;
    }

    private async Task NudgeAntiEntropyAsync(ClusterTopology topology)
    {
        foreach (var node in topology.RingMembers)
        {
            using var admin = cluster.Admin(node.Id);
            using var response = await admin.PostAsync("/admin/anti-entropy", null);
        }
    }
}
