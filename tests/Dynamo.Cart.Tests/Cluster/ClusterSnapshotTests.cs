using System.Text.Json;
using Dynamo.Cart.Cluster;

namespace Dynamo.Cart.Tests.Cluster;

/// <summary>The router's GET /cluster, as the cart reads it.</summary>
public sealed class ClusterSnapshotTests
{
    private const string Json = """
        {
          "partitions": 4, "ringEpoch": 7, "replication": { "n": 3, "r": 2, "w": 2 },
          "nodes": [
            { "id": "node2", "address": "http://localhost:2", "status": "up", "available": false, "phi": 14.2, "zone": "", "capacity": 2, "partitionCount": 2 },
            { "id": "node1", "address": "http://localhost:1", "status": "up", "available": true, "phi": 0.31, "zone": "a", "capacity": 1, "partitionCount": 2 }
          ],
          "tables": [ { "name": "default", "n": 3, "r": 2, "w": 2 } ],
          "preferenceLists": [
            { "partition": 0, "owner": "node1", "nodes": ["node1", "node2"] },
            { "partition": 1, "owner": "node2", "nodes": ["node2", "node1"] },
            { "partition": 2, "owner": "node1", "nodes": ["node1", "node2"] },
            { "partition": 3, "owner": "node2", "nodes": ["node2", "node1"] }
          ]
        }
        """;

    [Fact]
    public void ParsesNodesOwnersAndPreferenceLists()
    {
        using var doc = JsonDocument.Parse(Json);
        var s = ClusterSnapshot.Parse(doc.RootElement, DateTimeOffset.UnixEpoch);

        Assert.Equal((4, 7L, 3), (s.PartitionCount, s.RingEpoch, s.DefaultN));
        Assert.Equal(["node1", "node2"], s.Nodes.Select(n => n.Id));
        var node2 = s.Node("node2")!;
        Assert.False(node2.IsHealthy);
        Assert.Equal(14.2, node2.Phi);
        Assert.Null(node2.Zone);
        Assert.Equal(2, node2.Capacity);
        Assert.Equal("a", s.Node("node1")!.Zone);
        Assert.Equal(["node1", "node2", "node1", "node2"], s.Owners);
        Assert.Equal(["node2", "node1"], s.PreferenceLists[3]);
    }

    [Fact]
    public void ARingThatIsNotFormedYetParsesToNoPartitions()
    {
        using var doc = JsonDocument.Parse("""{"partitions":0,"nodes":[],"preferenceLists":[]}""");
        var s = ClusterSnapshot.Parse(doc.RootElement, DateTimeOffset.UnixEpoch);
        Assert.Equal(0, s.PartitionCount);
        Assert.Null(KeyPlacement.Of(s, "carts", "x", 3));
    }
}
