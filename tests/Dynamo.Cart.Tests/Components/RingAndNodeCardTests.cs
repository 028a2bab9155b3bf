using Bunit;
using Dynamo.Cart.Cluster;
using Dynamo.Cart.Components.Ring;
using Dynamo.Cart.Tests.Fakes;

namespace Dynamo.Cart.Tests.Components;

/// <summary>The ring drawing and a node's card, rendered on their own.</summary>
public sealed class RingAndNodeCardTests : IDisposable
{
    private readonly BunitContext _ctx = new();

    [Fact]
    public void EachPartitionIsColouredByItsOwnerAndADownOwnersPartitionsAreFaded()
    {
        var snapshot = Snapshots.Ring(["node1", "node2", "node3", "node4"], 64, down: ["node2"]);
        var ring = _ctx.Render<RingView>(p => p.Add(x => x.Snapshot, snapshot));

        var arcs = ring.FindAll("path.arc");
        Assert.Equal(64, arcs.Count);
        foreach (var arc in arcs)
        {
            var owner = arc.GetAttribute("data-owner")!;
            Assert.Equal(NodeColors.For(owner), arc.GetAttribute("fill"));
            Assert.Equal(owner == "node2", arc.ClassList.Contains("down"));
        }

        Assert.Equal(4, arcs.Select(a => a.GetAttribute("fill")).Distinct().Count());
        Assert.Empty(ring.FindAll("path.mine"));
    }

    [Fact]
    public void ANodeCardShowsStatusPhiAndTheRightButton()
    {
        var down = new ClusterNode("node2", "http://x", "up", Available: false, Phi: 12.3, null, 1, 21);
        string? clicked = null;
        var card = _ctx.Render<NodeCard>(p => p
            .Add(x => x.Id, "node2")
            .Add(x => x.Node, down)
            .Add(x => x.Health, new NodeHealth(new NodeAdminStatus(true, true, 4, 1, 0, 0, 0, 0, 0, "rocksdb"), null))
            .Add(x => x.CanManage, true)
            .Add(x => x.OnReconnect, () => clicked = "reconnect"));

        Assert.Equal("down", card.Find("[data-testid=node-node2]").GetAttribute("data-health"));
        Assert.Contains("φ 12.3", card.Markup, StringComparison.Ordinal);
        Assert.Contains("cut off", card.Markup, StringComparison.Ordinal);
        Assert.Contains("waiting to hand off", card.Find("[data-testid=hints-node2]").TextContent, StringComparison.Ordinal);
        Assert.Empty(card.FindAll("[data-testid=cutoff-node2]"));

        card.Find("[data-testid=reconnect-node2]").Click();
        Assert.Equal("reconnect", clicked);
    }

    [Fact]
    public void ANodeOutsideTheRingIsSaidToBe()
    {
        var card = _ctx.Render<NodeCard>(p => p.Add(x => x.Id, "node4").Add(x => x.CanManage, true).Add(x => x.Health, new NodeHealth(null, "node4 did not answer (is its process running?).")));
        Assert.Equal("not in ring", card.Find("[data-testid=state-node4]").TextContent);
        Assert.Contains("is its process running", card.Markup, StringComparison.Ordinal);
    }

    public void Dispose() => _ctx.Dispose();
}
