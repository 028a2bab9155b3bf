using Dynamo.Cart.Cluster;
using Dynamo.Cart.Tests.Fakes;
using Dynamo.Core.Hashing;

namespace Dynamo.Cart.Tests.Cluster;

/// <summary>Where a cart's key lives: the nodes' own hash, the preference list, the stand-ins of down primaries.</summary>
public sealed class KeyPlacementTests
{
    private static readonly string[] FourNodes = ["node1", "node2", "node3", "node4"];

    [Fact]
    public void UsesTheNodesHashAndThePreferenceList()
    {
        var cluster = Snapshots.Ring(FourNodes, 64);
        var p = KeyPlacement.Of(cluster, "carts", "lucky-otter-42", 3)!;

        Assert.Equal(KeyHash.Compute("carts", "lucky-otter-42").Partition(64), p.Partition);
        Assert.Equal(cluster.PreferenceLists[p.Partition], p.Primaries.Select(r => r.Node));
        Assert.Equal(p.Primaries[0].Node, p.Coordinator);
        Assert.Equal(FourNodes.Except(p.Primaries.Select(r => r.Node)), p.Fallbacks.Select(f => f.Node));
        Assert.All(p.Primaries, r => Assert.Null(r.StandIn));
    }

    [Fact]
    public void ADownPrimaryHasTheFirstHealthyFallbackAsStandInAndDoesNotCoordinate()
    {
        var healthy = KeyPlacement.Of(Snapshots.Ring(FourNodes, 64), "carts", "c", 3)!;
        string first = healthy.Primaries[0].Node;
        string fallback = healthy.Fallbacks[0].Node;

        var p = KeyPlacement.Of(Snapshots.Ring(FourNodes, 64, down: [first]), "carts", "c", 3)!;

        Assert.False(p.Primaries[0].Available);
        Assert.Equal(fallback, p.Primaries[0].StandIn);
        Assert.Equal(first, p.Fallbacks[0].StandsInFor);
        Assert.Equal(p.Primaries[1].Node, p.Coordinator);
    }

    [Fact]
    public void WithNoSpareNodeADownPrimaryHasNoStandIn()
    {
        var p = KeyPlacement.Of(Snapshots.Ring(["node1", "node2", "node3"], 16, down: ["node2"]), "carts", "c", 3)!;
        Assert.Empty(p.Fallbacks);
        Assert.Null(Assert.Single(p.Primaries, r => r.Node == "node2").StandIn);
        Assert.NotEqual("node2", p.Coordinator);
    }
}
