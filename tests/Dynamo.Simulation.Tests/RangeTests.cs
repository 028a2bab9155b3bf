using System.Text;
using Dynamo.Core;
using Dynamo.Core.Runtime;
using Dynamo.Core.Storage;
using Dynamo.Core.Versioning;
using Dynamo.Simulation;

namespace Dynamo.Simulation.Tests;

/// <summary>Ordered range reads of a compound table, on a simulated cluster whose replicas do not all hold every key.</summary>
public class RangeTests
{
    private const int Q = 16;
    private const string Table = "$items";
    private readonly Simulator _sim = new();
    private readonly SimCluster _cluster;
    private readonly SimNetwork _net;
    private readonly Dictionary<long, Message> _replies = [];
    private readonly NodeId _client = new("client-range");
    private long _next = 1;

    public RangeTests()
    {
        _net = new SimNetwork(_sim, new Random(1));
        NodeId[] seeds = [new("n0"), new("n1")];
        _cluster = new SimCluster(_sim, _net, new Random(2), id => new NodeOptions { NodeId = id, PartitionCount = Q, ClusterSecret = SimulationRun.ClusterSecret, Seeds = seeds });
        _net.Deliver = _cluster.Deliver;
        _cluster.Clients[_client] = (_, m) => _replies[((IResponse)m).RequestId] = m;
        foreach (var id in new[] { "n0", "n1", "n2" })
        {
            _cluster.Add(new NodeId(id), 0).Start();
        }

        _sim.RunUntil(5_000);
        Assert.Equal(3, _cluster[new NodeId("n0")].Node!.State.Ring!.Members.Count);
        Assert.Null(_cluster[new NodeId("n0")].Node!.PutTable(Table, 3, 2, 2));
        _sim.RunUntil(6_000);
    }

    private T Call<T>(NodeId via, Func<long, Message> request)
        where T : Message
    {
        long id = _next++;
        _net.Send(_client, via, request(id));
        _sim.RunUntil(_sim.Now + 3_000);
        return Assert.IsType<T>(_replies[id]);
    }

    private void Put(string key, string value, int w = 2) =>
        Assert.Equal(ClientStatus.Ok, Call<ClientReply>(new NodeId("n0"), id => new ClientWrite(id, Table, key, new Sibling(Encoding.UTF8.GetBytes(value), null), null, w)).Status);

    private List<string> ReadAll(string hashKey, bool reverse, int pageSize, int r = 2)
    {
        var (partition, from, to) = StorageKeys.CompoundRange(Q, Table, hashKey, null, null);
        var keys = new List<string>();
        for (int pages = 0; pages < 1_000; pages++)
        {
            var reply = Call<ClientRangeReply>(new NodeId("n1"), id => new ClientRange(id, Table, partition, from, to, reverse, pageSize, r));
            Assert.Equal(ClientStatus.Ok, reply.Status);
            Assert.True(reply.Items.Count <= pageSize);
            keys.AddRange(reply.Items.Select(i => i.Key));
            if (!reply.HasMore)
            {
                return keys;
            }

            // Continue strictly after the reply's last key, in the direction of travel.
            if (reverse)
            {
                to = reply.Next!;
            }
            else
            {
                from = StorageKeys.After(reply.Next!);
            }
        }

        throw new InvalidOperationException("the range never ended");
    }

    [Fact]
    public void ARangeReturnsOneHashKeysItemsInOrderAcrossPagesAndBothDirections()
    {
        var expected = new List<string>();
        for (int i = 0; i < 57; i++)
        {
            string key = $"alpha\0{i:D3}";
            Put(key, "v" + i);
            expected.Add(key);
        }

        Put("beta\0000", "other hash key");
        Put("alph\0999", "prefix of another");

        foreach (int page in new[] { 1, 7, 57, 100 })
        {
            Assert.Equal(expected, ReadAll("alpha", reverse: false, page));
            Assert.Equal(expected.AsEnumerable().Reverse(), ReadAll("alpha", reverse: true, page));
        }
    }

    [Fact]
    public void KeysHeldByOnlySomeReplicasAreFoundAndNoneIsSkippedAcrossPages()
    {
        var expected = new List<string>();
        for (int i = 0; i < 40; i++)
        {
            expected.Add($"gamma\0{i:D3}");
        }

        // Each key reaches one replica only, directly: the replicas' key sets interleave.
        var nodes = new[] { "n0", "n1", "n2" }.Select(n => _cluster[new NodeId(n)]).ToArray();
        for (int i = 0; i < expected.Count; i++)
        {
            var set = DottedVersionVectorSet.Empty.Update(VersionVector.Empty, new Actor(new NodeId("writer"), 1), new Sibling(Encoding.UTF8.GetBytes("v" + i), null));
            var store = new ReplicaStore(nodes[i % 3].Storage, Q);
            store.Put(Table, expected[i], StoredObject.Create(set, 0, 1));
        }

        // With every replica asked (r = 3), paging never misses a key another replica holds.
        foreach (int page in new[] { 1, 3, 5, 40 })
        {
            Assert.Equal(expected, ReadAll("gamma", reverse: false, page, r: 3));
            Assert.Equal(expected.AsEnumerable().Reverse(), ReadAll("gamma", reverse: true, page, r: 3));
        }
    }

    [Fact]
    public void DeletedKeysAreNotListedAndBadRangesAreRefused()
    {
        Put("delta\0001", "a");
        Put("delta\0002", "b");
        var read = Call<ClientReply>(new NodeId("n0"), id => new ClientRead(id, Table, "delta\0001"));
        Assert.Equal(ClientStatus.Ok, Call<ClientReply>(new NodeId("n0"), id => new ClientWrite(id, Table, "delta\0001", Sibling.Tombstone, read.Context)).Status);
        Assert.Equal(["delta\0002"], ReadAll("delta", reverse: false, 10));

        Assert.Equal(ClientStatus.BadRequest, Call<ClientRangeReply>(new NodeId("n0"), id => new ClientRange(id, Table, Q, null, null, false, 10)).Status);
        Assert.Equal(ClientStatus.BadRequest, Call<ClientRangeReply>(new NodeId("n0"), id => new ClientRange(id, Table, 0, null, null, false, 0)).Status);
        Assert.Equal(ClientStatus.UnknownTable, Call<ClientRangeReply>(new NodeId("n0"), id => new ClientRange(id, "$nope", 0, null, null, false, 10)).Status);
    }
}
