using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using Dynamo.Core;
using Dynamo.Core.Membership;
using Dynamo.Core.Partitioning;
using Dynamo.Core.Runtime;
using Dynamo.Core.Storage;
using Dynamo.Core.Versioning;
using Spectre.Console;

namespace Dynamo.Simulation;

/// <summary>
/// Figures at scale (DESIGN §9 "scale"): ring balance, partitions moved by a join against the ideal,
/// gossip rounds until every node knows of a joining node, and anti-entropy bytes against the bytes of
/// the data that differed. Each figure comes from the real Core code: the claim algorithm, thousands of
/// simulated <see cref="DynamoNode"/>s gossiping, and a real Merkle exchange between two replicas.
/// </summary>
public static class Scale
{
    public sealed record Figures(
        int Nodes,
        int Partitions,
        double BalanceMaxOverMean,
        double BalanceIntegerBound,
        double JoinMovedOverIdeal,
        int GossipRounds,
        int GossipRingRounds,
        double GossipRoundsTarget,
        double AeBytesOverDiffBytes,
        long AeBytes,
        long DiffBytes);

    public static int Run(int nodes, int partitions)
    {
        if (nodes < 2 || partitions < 1 || (partitions & (partitions - 1)) != 0)
        {
            Console.Error.WriteLine("--nodes must be at least 2 and --partitions a power of two.");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        Figures figures = null!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var ringTask = ctx.AddTask("ring balance and join", maxValue: 1);
                var (balance, bound, moved) = RingFigures(nodes, partitions);
                ringTask.Increment(1);
                var gossipTask = ctx.AddTask($"gossip among {nodes:N0} nodes", maxValue: 1);
                var (rounds, ringRounds) = GossipRounds(nodes, partitions, p => gossipTask.Value = p);
                gossipTask.Value = 1;
                var aeTask = ctx.AddTask("anti-entropy exchange", maxValue: 1);
                var (aeBytes, diffBytes) = AntiEntropyBytes(keys: 20_000, differing: 200, valueBytes: 100);
                aeTask.Increment(1);
                figures = new Figures(
                    nodes,
                    partitions,
                    balance,
                    bound,
                    moved,
                    rounds,
                    ringRounds,
                    (2 * Math.Log2(nodes)) + 3,
                    (double)aeBytes / diffBytes,
                    aeBytes,
                    diffBytes);
            });

        var table = new Table().Border(TableBorder.Rounded).AddColumns("figure", "value", "target");
        table.AddRow("ring balance (max / mean partitions per node)", $"{figures.BalanceMaxOverMean:F3}", $"<= 1.05 (integer bound here: {figures.BalanceIntegerBound:F3})");
        table.AddRow("partitions moved by a join / ideal", $"{figures.JoinMovedOverIdeal:F3}", "<= 1.1");
        table.AddRow("gossip rounds until all know a member change", $"{figures.GossipRounds} (a join's new ring: {figures.GossipRingRounds})", $"<= {figures.GossipRoundsTarget:F1}");
        table.AddRow("anti-entropy bytes / differing bytes", $"{figures.AeBytesOverDiffBytes:F2} ({figures.AeBytes:N0} / {figures.DiffBytes:N0})", "<= 10");
        table.AddRow("wall time", clock.Elapsed.ToString(@"mm\:ss"), "");
        AnsiConsole.Write(table);

        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["balance_max_over_mean"] = Math.Round(figures.BalanceMaxOverMean, 4),
            ["join_moved_over_ideal"] = Math.Round(figures.JoinMovedOverIdeal, 4),
            ["gossip_rounds"] = figures.GossipRounds,
            ["ae_bytes_over_diff_bytes"] = Math.Round(figures.AeBytesOverDiffBytes, 4),
            ["balance_integer_bound"] = Math.Round(figures.BalanceIntegerBound, 4),
            ["gossip_ring_rounds"] = figures.GossipRingRounds,
            ["nodes"] = nodes,
            ["partitions"] = partitions,
        }));
        return 0;
    }

    /// <summary>Balance of a fresh ring, the best integer assignment can do, and a join's movement against its ideal share.</summary>
    public static (double Balance, double IntegerBound, double MovedOverIdeal) RingFigures(int nodes, int partitions)
    {
        var members = Enumerable.Range(0, nodes).Select(i => new RingMember(new NodeId($"n{i:D5}"))).ToList();
        var ring = RingClaim.Initial(partitions, members);
        double mean = (double)partitions / nodes;
        double balance = members.Max(m => ring.PartitionsOwnedBy(m.Id)) / mean;
        double bound = Math.Ceiling(mean) / mean;
        var joined = RingClaim.Join(ring, new RingMember(new NodeId($"n{nodes:D5}")));
        int moved = Enumerable.Range(0, partitions).Count(p => ring.Owner(p) != joined.Owner(p));
        return (balance, bound, moved / ((double)partitions / (nodes + 1)));
    }

    /// <summary>
    /// Rounds of gossip until every node knows of a member that restarted at a new address (a change that
    /// spreads only by gossip), and until every node has the ring that includes a joining node (ring
    /// changes are also pushed to all members at once by the claimant).
    /// </summary>
    public static (int Member, int Ring) GossipRounds(int nodes, int partitions, Action<double>? progress = null)
    {
        const long Interval = 1_000;
        var sim = new Simulator();
        var random = new Random(1);
        var net = new SimNetwork(sim, new Random(2));
        var ids = Enumerable.Range(0, nodes).Select(i => new NodeId($"n{i:D5}")).ToList();
        var seeds = ids.Take(2).ToList();
        var addresses = new Dictionary<NodeId, string>();
        NodeOptions Options(NodeId id) => new()
        {
            NodeId = id,
            Address = addresses.GetValueOrDefault(id, ""),
            PartitionCount = partitions,
            ClusterSecret = SimulationRun.ClusterSecret,
            Seeds = seeds,
            GossipIntervalMs = Interval,
            MerkleLevels = 1,

            // Only gossip is measured: every other duty is pushed out of the way.
            HeartbeatIntervalMs = 1_000_000_000,
            HintDeliveryIntervalMs = 1_000_000_000,
            HandoffIntervalMs = 1_000_000_000,
            AntiEntropyIntervalMs = 1_000_000_000,
            ReapIntervalMs = 1_000_000_000,
        };
        var cluster = new SimCluster(sim, net, random, Options);
        net.Deliver = cluster.Deliver;
        net.Connection = cluster.ConnectionOf;

        // Start from a converged cluster: every node already knows every member and the ring.
        var ring = RingClaim.Initial(partitions, ids.Select(id => new RingMember(id)).ToList());
        var members = ImmutableSortedDictionary.CreateRange(ids.Select(id => KeyValuePair.Create(id, new MemberState(id, "", MemberStatus.Joining, 1, null, 1, 1))));
        var state = ClusterStateCodec.Encode(new ClusterState(members, ring, ClusterState.Empty.Tables));
        var incarnation = BitConverter.GetBytes(1L);
        foreach (var id in ids)
        {
            var node = cluster.Add(id, 0);
            var store = new ReplicaStore(node.Storage, partitions);
            store.PutMeta("cluster-state", state);
            store.PutMeta("incarnation", incarnation);
            node.Start();
        }

        sim.RunUntil(Interval * 2);

        int Measure(Func<DynamoNode, bool> knows, double from, double to)
        {
            long start = sim.Now;
            for (int round = 1; round <= 200; round++)
            {
                sim.RunUntil(start + (round * Interval));
                if (cluster.Nodes.All(n => knows(n.Node!)))
                {
                    return round;
                }

                progress?.Invoke(from + ((to - from) * Math.Min(0.99, round / 25.0)));
            }

            return -1;
        }

        var moved = ids[nodes / 2];
        addresses[moved] = "moved";
        cluster[moved].Crash();
        cluster[moved].Start();
        int memberRounds = Measure(n => n.State.Member(moved)?.Address == "moved", 0, 0.5);

        var newcomer = new NodeId($"n{nodes:D5}");
        cluster.Add(newcomer, 0).Start();
        int ringRounds = Measure(n => n.State.Ring?.Contains(newcomer) == true, 0.5, 1);
        return (memberRounds, ringRounds);
    }

    /// <summary>
    /// Two replicas of every partition hold the same keys except <paramref name="differing"/> keys, which
    /// one of them has in a newer version; real anti-entropy runs until they agree. Returns the bytes it
    /// exchanged and the bytes of the versions that differed.
    /// </summary>
    public static (long AeBytes, long DiffBytes) AntiEntropyBytes(int keys, int differing, int valueBytes)
    {
        const int Q = 16;
        var sim = new Simulator();
        var net = new SimNetwork(sim, new Random(3));
        var ids = new[] { new NodeId("a"), new NodeId("b") };
        NodeOptions Options(NodeId id) => new()
        {
            NodeId = id,
            PartitionCount = Q,
            DefaultN = 2,
            DefaultR = 1,
            DefaultW = 1,
            ClusterSecret = SimulationRun.ClusterSecret,
            Seeds = ids,
            AntiEntropyIntervalMs = 100,
            AntiEntropyKeysPerExchange = 512,
            HintDeliveryIntervalMs = 1_000_000_000,
            HandoffIntervalMs = 1_000_000_000,
            ReapIntervalMs = 1_000_000_000,
        };
        var cluster = new SimCluster(sim, net, new Random(4), Options);
        net.Deliver = cluster.Deliver;
        net.Connection = cluster.ConnectionOf;
        var ring = RingClaim.Initial(Q, ids.Select(id => new RingMember(id)).ToList());
        var members = ImmutableSortedDictionary.CreateRange(ids.Select(id => KeyValuePair.Create(id, new MemberState(id, "", MemberStatus.Joining, 1, null, 1, 1))));
        var state = ClusterStateCodec.Encode(new ClusterState(members, ring, ClusterState.Empty.Tables));
        var writer = new Actor(new NodeId("writer"), 1);
        var random = new Random(5);
        var stores = ids.Select(id =>
        {
            var store = new ReplicaStore(cluster.Add(id, 0).Storage, Q);
            store.PutMeta("cluster-state", state);
            store.PutMeta("incarnation", BitConverter.GetBytes(1L));
            return store;
        }).ToArray();

        long diffBytes = 0;
        for (int i = 0; i < keys; i++)
        {
            var value = new byte[valueBytes];
            random.NextBytes(value);
            var set = DottedVersionVectorSet.Empty.Update(VersionVector.Empty, writer, new Sibling(value, "application/octet-stream"));
            stores[1].Put("default", "key" + i, StoredObject.Create(set, 0, 1));
            if (i < differing)
            {
                var newer = new byte[valueBytes];
                random.NextBytes(newer);
                set = set.Update(set.Context(), writer, new Sibling(newer, "application/octet-stream"));
                diffBytes += ObjectCodec.Encode(set).Length;
            }

            stores[0].Put("default", "key" + i, StoredObject.Create(set, 0, 1));
        }

        foreach (var n in cluster.Nodes)
        {
            n.Start();
        }

        for (int step = 0; step < 600; step++)
        {
            sim.RunUntil(sim.Now + 100);
            if (Enumerable.Range(0, differing).All(i => stores[1].Get("default", "key" + i)!.VersionHash == stores[0].Get("default", "key" + i)!.VersionHash))
            {
                break;
            }
        }

        long bytes = cluster.Nodes.Sum(n => n.TotalStats().AntiEntropyBytes);
        return (bytes, diffBytes);
    }
}
