using System.Text;
using Dynamo.Core;
using Dynamo.Core.Replication;
using Dynamo.Core.Runtime;
using Dynamo.Core.Versioning;
using Dynamo.Simulation;

namespace Dynamo.Simulation.Tests;

/// <summary>
/// Tombstone collection reads at most <see cref="TombstoneReaper.ScanBudget"/> keys per tick (a tick holds
/// the state machine's lock) and resumes where it stopped: on nodes holding three budgets' worth of keys,
/// tombstones wherever they fall are still collected, and live keys are left alone.
/// </summary>
public class TombstoneReaperTests
{
    private const string Table = "default";
    private readonly Simulator _sim = new();
    private readonly SimCluster _cluster;
    private readonly SimNetwork _net;
    private readonly Dictionary<long, Message> _replies = [];
    private readonly NodeId _client = new("client-reaper");
    private readonly NodeId _via = new("n0");
    private long _next = 1;

    public TombstoneReaperTests()
    {
        _net = new SimNetwork(_sim, new Random(1));
        NodeId[] seeds = [new("n0"), new("n1")];
        _cluster = new SimCluster(_sim, _net, new Random(2), id => new NodeOptions
        {
            NodeId = id,
            PartitionCount = 16,
            ClusterSecret = SimulationRun.ClusterSecret,
            Seeds = seeds,
            TombstoneGraceMs = 10_000,
            ReapIntervalMs = 500,
            ReapSettleMs = 500,
        });
        _net.Deliver = _cluster.Deliver;
        _cluster.Clients[_client] = (_, m) => _replies[((IResponse)m).RequestId] = m;
        foreach (var id in new[] { "n0", "n1", "n2" })
        {
            _cluster.Add(new NodeId(id), 0).Start();
        }

        _sim.RunUntil(5_000);
        Assert.Equal(3, _cluster[_via].Node!.State.Ring!.Members.Count);
    }

    [Fact]
    public void TombstonesBeyondOneTicksBudgetAreCollectedAndLiveKeysStay()
    {
        int keys = 3 * TombstoneReaper.ScanBudget;
        var writes = Enumerable.Range(0, keys).Select(i => Send(id => new ClientWrite(id, Table, "k" + i, new Sibling(Encoding.UTF8.GetBytes("v" + i), null), null, W: 3))).ToList();
        _sim.RunUntil(_sim.Now + 5_000);
        Assert.All(writes, id => Assert.Equal(ClientStatus.Ok, Reply(id).Status));

        // Every 100th key is deleted, with the context of a read: a tombstone that covers the value.
        var deleted = Enumerable.Range(0, keys).Where(i => i % 100 == 7).Select(i => "k" + i).ToList();
        var reads = deleted.ToDictionary(k => k, k => Send(id => new ClientRead(id, Table, k, R: 3)));
        _sim.RunUntil(_sim.Now + 3_000);
        var deletes = deleted.Select(k => Send(id => new ClientWrite(id, Table, k, Sibling.Tombstone, Reply(reads[k]).Context, W: 3))).ToList();
        _sim.RunUntil(_sim.Now + 3_000);
        Assert.All(deletes, id => Assert.Equal(ClientStatus.Ok, Reply(id).Status));
        var nodes = _cluster.Nodes.Select(n => n.Node!).ToList();
        Assert.All(nodes, n => Assert.All(deleted, k => Assert.True(n.Store.Get(Table, k)?.TombstoneSince > 0, $"{n.Id} holds the tombstone of {k}")));

        // A node holds all 6,144 keys: a sweep takes 3+ ticks of 500 ms. Past the grace period, two
        // settle periods and a few sweeps, every tombstone is gone from every replica.
        _sim.RunUntil(_sim.Now + 40_000);
        Assert.All(nodes, n => Assert.All(deleted, k => Assert.Null(n.Store.Get(Table, k))));
        Assert.All(nodes, n => Assert.Equal(keys - deleted.Count, Enumerable.Range(0, keys).Count(i => n.Store.Get(Table, "k" + i) is not null)));
    }

    private long Send(Func<long, Message> request)
    {
        long id = _next++;
        _net.Send(_client, _via, request(id));
        return id;
    }

    private ClientReply Reply(long id) => Assert.IsType<ClientReply>(_replies[id]);
}
