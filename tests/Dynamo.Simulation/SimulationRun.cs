using System.IO.Hashing;
using System.Text;
using Dynamo.Core;
using Dynamo.Core.Membership;
using Dynamo.Core.Runtime;
using Dynamo.Core.Storage;

namespace Dynamo.Simulation;

public sealed record SimulationOptions
{
    public PlantedBug Bug { get; init; } = PlantedBug.None;

    /// <summary>Writes every fault and the history to this sink (replays).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>How long the load phase lasts; null lets the seed choose (20 to 40 s).</summary>
    public long? LoadMs { get; init; }
}

public sealed record SimulationResult(
    int Seed,
    bool Passed,
    int Nodes,
    int AcknowledgedWrites,
    int LostWrites,
    int Resurrections,
    int SiblingViolations,
    int LostElements,
    bool Converged,
    int HintsLeft,
    long Events,
    long Messages,
    ulong Digest,
    long SimulatedMs,
    IReadOnlyList<string> Problems,
    string Faults,
    NodeStats? Stats = null)
{
    public string ReplayCommand => $"dotnet run -c Release --project tests/Dynamo.Simulation -- --seed {Seed} --verbose";
}

/// <summary>
/// One seeded run: a cluster of 3 to 7 nodes under concurrent clients and a seeded schedule of faults
/// (crash and restart, network partitions, message drop, duplication and delay, clock skew, joins and
/// decommissions during load), then heal, convergence, a final read at R = N of every key, and the
/// <see cref="Checker"/>. The seed decides everything, so a run replays exactly (<see cref="Digest"/>).
/// </summary>
public sealed class SimulationRun
{
    public static readonly byte[] ClusterSecret = Encoding.UTF8.GetBytes("simulation-cluster-secret-000000");

    private readonly int _seed;
    private readonly SimulationOptions _options;
    private readonly Random _random;
    private readonly Simulator _sim = new();
    private readonly SimNetwork _net;
    private readonly SimCluster _cluster;
    private readonly History _history = new();
    private readonly XxHash64 _digest = new();
    private readonly StringBuilder _faults = new();
    private readonly List<string> _problems = [];
    private readonly int _partitions;
    private int _nextNode;

    private SimulationRun(int seed, SimulationOptions options)
    {
        _seed = seed;
        _options = options;
        _random = new Random(seed);
        _net = new SimNetwork(_sim, new Random(_random.Next()));
        _partitions = _random.Next(2) == 0 ? 16 : 32;
        var nodeRandom = new Random(_random.Next());
        _cluster = new SimCluster(_sim, _net, nodeRandom, NodeOptionsFor, e => options.Bug is PlantedBug.LastWriterWins or PlantedBug.DropHints ? new BuggyStorage(e, options.Bug) : e);
        _net.Deliver = _cluster.Deliver;
        _net.Connection = _cluster.ConnectionOf;
        _net.Intercept = Record;
    }

    public static SimulationResult Execute(int seed, SimulationOptions? options = null)
    {
        var run = new SimulationRun(seed, options ?? new SimulationOptions());
        try
        {
            return run.Run();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A node that throws is a bug like any other: report the seed, never abort the batch.
            run._problems.Add($"exception at {run._sim.Now} ms: {ex}");
            return new SimulationResult(seed, false, run._cluster.Nodes.Count(), 0, 0, 0, 0, 0, false, 0, run._sim.EventsProcessed, run._net.MessagesSent, 0, run._sim.Now, run._problems, run._faults.ToString());
        }
    }

    private IReadOnlyList<NodeId> _seeds = [];

    // The contacts an operator gives a node now (§4.8.2: seeds avoid logical partitions): the bootstrap
    // nodes still in the cluster, or, once both were decommissioned, members that stay.
    private IReadOnlyList<NodeId> CurrentSeeds()
    {
        var seeds = _seeds.Where(s => !_decommissioned.Contains(s)).ToList();
        return seeds.Count > 0 ? seeds : [.. Active.Select(n => n.Id).Where(id => !_decommissioned.Contains(id)).Take(2)];
    }

    private NodeOptions NodeOptionsFor(NodeId id) => new()
    {
        NodeId = id,
        PartitionCount = _partitions,
        ClusterSecret = ClusterSecret,
        Seeds = CurrentSeeds(),
        RequestTimeoutMs = 1_000,
        ReplicaTimeoutMs = 250,
        ReadLingerMs = 100,
        GossipIntervalMs = 500,
        HeartbeatIntervalMs = 250,
        FailureDetectorMinStdDevMs = 100,
        HintDeliveryIntervalMs = 400,
        HandoffIntervalMs = 400,
        SyncBatchSize = 64,
        AntiEntropyIntervalMs = 300,
        AntiEntropyKeysPerExchange = 256,
        MerkleLevels = 2,
        TombstoneGraceMs = 3_000,
        ReapIntervalMs = 1_500,
        ReapSettleMs = 2_500,
    };

    private bool Record(NodeId from, NodeId to, Message message)
    {
        long id = message switch
        {
            IRequest r => r.RequestId,
            IResponse r => r.RequestId,
            _ => 0,
        };
        _digest.Append(Encoding.UTF8.GetBytes($"{_sim.Now}|{from}|{to}|{message.GetType().Name}|{id};"));
        return true;
    }

    private void Note(string text)
    {
        _faults.Append('@').Append(_sim.Now).Append(' ').Append(text).Append("; ");
        _options.Log?.Invoke($"[{_sim.Now,7}] {text}");
    }

    private SimulationResult Run()
    {
        int nodes = 3 + _random.Next(5);
        int kvClients = 2 + _random.Next(3);
        int setClients = 1 + _random.Next(2);
        long load = _options.LoadMs ?? 20_000 + _random.Next(20_000);
        var setTable = new TableSettings(Workload.SetTable, 3, 1 + _random.Next(2), 1 + _random.Next(2), 1);
        var workload = new Workload(_sim, _net, _cluster, new Random(_random.Next()), _history, 3 + _random.Next(6), 1 + _random.Next(2), setTable, 2_500)
        {
            RetryAmbiguousWrites = _options.Bug == PlantedBug.RetryAmbiguousWrites,
        };

        _seeds = [new NodeId("n0"), new NodeId("n1")];
        for (int i = 0; i < nodes; i++)
        {
            var node = AddNode();
            _sim.At(_random.Next(300), node.Start);
        }

        Note($"{nodes} nodes, Q={_partitions}, {kvClients}+{setClients} clients, load {load} ms, sets r={setTable.R} w={setTable.W}");
        ScheduleFaults(load);
        workload.StartClients(kvClients, setClients, at: 1_500);
        for (long t = 500; t < load + 200_000; t += 500)
        {
            _sim.At(t, RetireLeftNodes);
        }

        _sim.RunUntil(load);
        workload.Stop();
        Heal();

        long deadline = _sim.Now + 180_000;
        bool converged = false;
        string why = "";
        while (!converged && _sim.Now < deadline)
        {
            _sim.RunUntil(_sim.Now + 1_000);
            converged = Converged(out why);
        }

        if (!converged)
        {
            _problems.Add("replicas did not converge within 180 s of healing: " + why);
        }

        var final = FinalReads(workload);
        var checker = new Checker(_history, final).Run();
        _problems.AddRange(checker.LostWrites.Concat(checker.Resurrections).Concat(checker.SiblingViolations).Concat(checker.LostElements).Concat(checker.Rejections).Concat(checker.Duplicates));
        int hintsLeft = _cluster.Nodes.Count(n => !n.Retired && new ReplicaStore(n.Storage, _partitions).HasHints);
        if (_options.Log is { } log)
        {
            foreach (var op in _history.Ops)
            {
                log(op.ToString());
            }

            foreach (var p in _problems)
            {
                log("PROBLEM " + p);
            }
        }

        return new SimulationResult(
            _seed,
            checker.Passed && converged,
            _cluster.Nodes.Count(),
            checker.AcknowledgedWrites,
            checker.LostWrites.Count + checker.LostElements.Count,
            checker.Resurrections.Count,
            checker.SiblingViolations.Count,
            checker.LostElements.Count,
            converged,
            hintsLeft,
            _sim.EventsProcessed,
            _net.MessagesSent,
            _digest.GetCurrentHashAsUInt64(),
            _sim.Now,
            _problems,
            _faults.ToString(),
            TotalStats());
    }

    private NodeStats TotalStats()
    {
        var total = new NodeStats();
        foreach (var n in _cluster.Nodes)
        {
            n.TotalStats().AddTo(total);
        }

        return total;
    }

    private SimCluster.SimNode AddNode()
    {
        var id = new NodeId("n" + _nextNode++);
        long skew = _random.NextInt64(-2_000, 2_001);
        return _cluster.Add(id, skew);
    }

    private readonly HashSet<NodeId> _decommissioned = [];

    private List<SimCluster.SimNode> Active => [.. _cluster.Nodes.Where(n => !n.Retired)];

    private void ScheduleFaults(long load)
    {
        int count = 2 + _random.Next(7);
        for (int i = 0; i < count; i++)
        {
            long at = 2_000 + _random.NextInt64(Math.Max(1, load - 4_000));
            int kind = _random.Next(100);
            long length = 1_000 + _random.NextInt64(9_000);
            switch (kind)
            {
                case < 30:
                    _sim.At(at, () =>
                    {
                        var up = Active.Where(n => n.IsUp).ToList();
                        if (up.Count == 0)
                        {
                            return;
                        }

                        var victim = up[_random.Next(up.Count)];
                        Note($"crash {victim.Id}");
                        victim.Crash();
                        _sim.After(length, () =>
                        {
                            if (!victim.Retired)
                            {
                                Note($"restart {victim.Id}");
                                victim.Start();
                            }
                        });
                    });
                    break;
                case < 55:
                    _sim.At(at, () =>
                    {
                        var ids = Active.Select(n => n.Id).OrderBy(_ => _random.Next()).ToList();
                        int cut = 1 + _random.Next(Math.Max(1, ids.Count - 1));
                        var sides = new[] { ids.Take(cut), ids.Skip(cut) };
                        Note($"partition [{string.Join(",", sides[0])}] | [{string.Join(",", sides[1])}]");
                        _net.Partition(sides);
                        _sim.After(length, () =>
                        {
                            Note("heal partition");
                            _net.Heal();
                        });
                    });
                    break;
                case < 75:
                    double drop = _random.NextDouble() * 0.2, dup = _random.NextDouble() * 0.1, delay = _random.NextDouble() * 0.3;
                    _sim.At(at, () =>
                    {
                        Note($"network drop {drop:P0} duplicate {dup:P0} delay {delay:P0}");
                        _net.DropRate = drop;
                        _net.DuplicateRate = dup;
                        _net.DelayRate = delay;
                        _sim.After(length, () =>
                        {
                            Note("network calm");
                            _net.DropRate = _net.DuplicateRate = _net.DelayRate = 0;
                        });
                    });
                    break;
                case < 88:
                    _sim.At(at, () =>
                    {
                        if (Active.Count >= 7)
                        {
                            return;
                        }

                        var node = AddNode();
                        Note($"join {node.Id}");
                        node.Start();
                    });
                    break;
                default:
                    _sim.At(at, () =>
                    {
                        var up = Active.Where(n => n.IsUp).ToList();
                        // The operator remembers whom they decommissioned: a node cut off from the admin that
                        // marked it still believes it stays, and must not count towards the three that remain.
                        var staying = up.Where(n => !_decommissioned.Contains(n.Id) && n.Node!.State.Member(n.Id)?.Status == MemberStatus.Joining).ToList();
                        if (staying.Count <= 3)
                        {
                            return;
                        }

                        var leaving = staying[_random.Next(staying.Count)];
                        var admin = up[_random.Next(up.Count)];
                        Note($"decommission {leaving.Id} (via {admin.Id})");
                        _decommissioned.Add(leaving.Id);
                        admin.Node!.MarkLeaving(leaving.Id);
                    });
                    break;
            }
        }
    }

    // A decommissioned node that handed everything off marks itself Left; then it is stopped for good.
    private void RetireLeftNodes()
    {
        foreach (var n in _cluster.Nodes)
        {
            if (!n.Retired && n.Node is { } node && node.State.Member(n.Id)?.Status == MemberStatus.Left)
            {
                Note($"retire {n.Id}");
                n.Crash();
                n.Retired = true;
            }
        }
    }

    private void Heal()
    {
        Note("heal everything");
        _net.Heal();
        _net.DropRate = _net.DuplicateRate = _net.DelayRate = 0;
        foreach (var n in Active)
        {
            n.Start();
        }
    }

    private bool Converged(out string why)
    {
        var active = Active;
        if (active.Any(n => !n.IsUp))
        {
            why = "a node is down";
            return false;
        }

        var states = active.Select(n => n.Node!.State).ToList();
        var first = states[0];
        if (first.Ring is not { } ring || states.Any(s => !s.SameAs(first)))
        {
            why = "nodes disagree on the cluster state: " + string.Join("; ", active.Select(n => $"{n.Id} sees ring {n.Node!.State.Ring?.Epoch}/{n.Node.State.Ring?.Fingerprint:x} members [{string.Join(", ", n.Node.State.Members.Values.Select(m => $"{m.Id}:{m.Status}@{m.Incarnation}.{m.Version}"))}] tables {n.Node.State.Tables.Count}"));
            return false;
        }

        foreach (var n in active)
        {
            var status = first.Member(n.Id)?.Status;
            if (status == MemberStatus.Joining != ring.Contains(n.Id))
            {
                why = $"{n.Id} ({status}) is not where it belongs in the ring";
                return false;
            }

            if (status != MemberStatus.Joining)
            {
                why = $"{n.Id} is still leaving";
                return false;
            }
        }

        var stores = active.ToDictionary(n => n.Id, n => new ReplicaStore(n.Storage, _partitions));
        if (stores.FirstOrDefault(s => s.Value.HasHints) is { Value: not null } withHints)
        {
            why = $"{withHints.Key} still holds hints";
            return false;
        }

        // Every key any store holds, plus every key clients touched.
        var keys = new SortedSet<(string, string)>();
        foreach (var s in stores.Values)
        {
            for (int p = 0; p < _partitions; p++)
            {
                foreach (var item in s.ScanPartition(p, null, int.MaxValue))
                {
                    keys.Add((item.Key.Table, item.Key.Key));
                }
            }
        }

        foreach (var (table, key) in keys)
        {
            int n = first.Table(table, TableSettings.Default())?.N ?? 3;
            var pref = ring.PreferenceList(ring.PartitionOf(table, key), n);
            byte[]? expected = null;
            bool firstPrimary = true;
            foreach (var (id, store) in stores)
            {
                var obj = store.Get(table, key);
                if (!pref.IsPrimary(id))
                {
                    if (obj is not null)
                    {
                        why = $"{id} still holds {table}/{key} without being a primary";
                        return false;
                    }

                    continue;
                }

                var bytes = obj?.Encoded;
                if (firstPrimary)
                {
                    expected = bytes;
                    firstPrimary = false;
                }
                else if (!(expected ?? []).AsSpan().SequenceEqual(bytes ?? []) || (expected is null) != (bytes is null))
                {
                    why = $"primaries of {table}/{key} differ";
                    return false;
                }
            }
        }

        why = "";
        return true;
    }

    private Dictionary<(string, string), Checker.FinalState> FinalReads(Workload workload)
    {
        var final = new Dictionary<(string, string), Checker.FinalState>();
        var active = Active.Where(n => n.IsUp).ToList();
        foreach (var (table, key) in workload.Keys)
        {
            var via = active[_random.Next(active.Count)];
            int n = via.Node!.State.Table(table, TableSettings.Default())?.N ?? 3;
            workload.FinalRead(via.Id, table, key, n, reply =>
            {
                if (reply is { Status: ClientStatus.Ok or ClientStatus.NotFound })
                {
                    final[(table, key)] = new Checker.FinalState(
                        [.. reply.Values.Select(v => Workload.ValueOf(v.Value.Span))],
                        reply.Values.SelectMany(v => Workload.ElementsOf(v.Value.Span)).ToHashSet());
                }
                else
                {
                    _problems.Add($"final read of {table}/{key} at R={n} failed: {reply?.Status.ToString() ?? "timeout"} {reply?.Error}");
                }
            });
        }

        _sim.RunUntil(_sim.Now + 5_000);
        return final;
    }
}
