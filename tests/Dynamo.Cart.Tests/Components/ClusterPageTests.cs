using Bunit;
using Dynamo.Cart.Components.Layout;
using Dynamo.Cart.Components.Pages;
using Dynamo.Cart.Tests.Fakes;

namespace Dynamo.Cart.Tests.Components;

/// <summary>The cluster page: live node status, the cut-off and reconnect buttons, and failures in words.</summary>
public sealed class ClusterPageTests : IDisposable
{
    private readonly CartComponentContext _ctx = new();

    private static string Health(IRenderedComponent<ClusterPage> page, string node) =>
        page.Find($"[data-testid=node-{node}]").GetAttribute("data-health")!;

    [Fact]
    public void CutOffAndReconnectGoThroughTheAdminApiAndTheCardsFollowTheRouter()
    {
        var page = _ctx.Render<ClusterPage>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid^=cutoff-]").Count));
        Assert.All(new[] { "node1", "node2", "node3" }, n => Assert.Equal("up", Health(page, n)));

        page.Find("[data-testid=cutoff-node1]").Click();
        page.WaitForElement("[data-testid=reconnect-node1]");
        Assert.Equal(["isolate node1"], _ctx.Admin.Calls);
        Assert.Equal("true", page.Find("[data-testid=node-node1]").GetAttribute("data-isolated"));

        // The router's failure detector notices: the card turns down on the next poll.
        _ctx.Cluster.Snapshot = Snapshots.Ring(["node1", "node2", "node3"], 16, down: ["node1"]);
        page.WaitForAssertion(() => Assert.Equal("down", Health(page, "node1")));
        Assert.Equal("down", page.Find("[data-testid=state-node1]").TextContent);

        page.Find("[data-testid=reconnect-node1]").Click();
        page.WaitForElement("[data-testid=cutoff-node1]");
        _ctx.Cluster.Snapshot = Snapshots.Ring(["node1", "node2", "node3"], 16);
        page.WaitForAssertion(() => Assert.Equal("up", Health(page, "node1")));
        Assert.Equal(["isolate node1", "reconnect node1"], _ctx.Admin.Calls);
    }

    [Fact]
    public void TheRingIsDrawnWithTheCartsPartitionMarked()
    {
        _ctx.Cluster.Snapshot = Snapshots.Ring(["node1", "node2", "node3"], 32);
        var page = _ctx.Render<ClusterPage>(p => p.AddCascadingValue("DefaultCart", "lucky-otter-42"));
        page.WaitForAssertion(() => Assert.Equal(32, page.FindAll("path.arc").Count));
        var mine = page.Find("path.arc.mine");
        int partition = Dynamo.Core.Hashing.KeyHash.Compute("carts", "lucky-otter-42").Partition(32);
        Assert.Equal(partition.ToString(System.Globalization.CultureInfo.InvariantCulture), mine.GetAttribute("data-partition"));
        page.Find("[data-testid=preference-list]");
    }

    [Fact]
    public void AStoppedProcessAndAnUnreachableRouterAreExplained()
    {
        _ctx.Admin.Stopped.Add("node3");
        _ctx.Cluster.Error = "Connection refused (router:8080)";
        var page = _ctx.Render<ClusterPage>();

        page.WaitForAssertion(() => Assert.Contains("did not answer", page.Find("[data-testid=node-node3]").TextContent, StringComparison.Ordinal));
        Assert.True(page.Find("[data-testid=cutoff-node3]").HasAttribute("disabled"));
        Assert.Contains("Connection refused", page.Find("[data-testid=cluster-error]").TextContent, StringComparison.Ordinal);

        _ctx.Cluster.Error = null;
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=cluster-error]")));
    }

    [Fact]
    public void WithoutAnAdminKeyTheButtonsSayWhy()
    {
        _ctx.Admin.Unavailable = "No admin key is configured (Dynamo:AdminKey).";
        var page = _ctx.Render<ClusterPage>();
        page.WaitForAssertion(() => Assert.Contains("No admin key", page.Find("[data-testid=node-node1]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid^=cutoff-]"));
    }

    [Fact]
    public void TheTopBarPillCountsReachableNodes()
    {
        _ctx.Cluster.Snapshot = Snapshots.Ring(["node1", "node2", "node3"], 16, down: ["node3"]);
        var pill = _ctx.Render<ClusterPill>();
        pill.WaitForAssertion(() => Assert.Contains("2 of 3 nodes up", pill.Markup, StringComparison.Ordinal));
    }

    public void Dispose() => _ctx.Dispose();
}
