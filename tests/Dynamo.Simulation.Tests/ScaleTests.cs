using Dynamo.Simulation;

namespace Dynamo.Simulation.Tests;

/// <summary>The scale figures' targets, at sizes that fit in the normal test run.</summary>
public class ScaleTests
{
    [Fact]
    public void BalanceIsWithinFivePercentWhenEachNodeHas64PartitionsOrMore()
    {
        var (balance, _, moved) = Scale.RingFigures(nodes: 16, partitions: 1024);
        Assert.InRange(balance, 1.0, 1.05);
        Assert.InRange(moved, 0.9, 1.1);
    }

    [Fact]
    public void AThousandNodesWith65536PartitionsBalanceWithinFivePercent()
    {
        var (balance, _, moved) = Scale.RingFigures(nodes: 1000, partitions: 65536);
        Assert.InRange(balance, 1.0, 1.05);
        Assert.InRange(moved, 0.9, 1.1);
    }

    [Fact]
    public void WithFewPartitionsPerNodeBalanceReachesTheIntegerBound()
    {
        var (balance, bound, moved) = Scale.RingFigures(nodes: 1000, partitions: 4096);
        Assert.Equal(bound, balance, 9);
        Assert.True(moved <= 1.1, $"moved {moved:F3} of ideal");
    }

    [Fact]
    public void GossipSpreadsAMemberChangeInLogarithmicRounds()
    {
        const int Nodes = 300;
        var (member, ring) = Scale.GossipRounds(Nodes, 1024);
        Assert.InRange(member, 1, (2 * Math.Log2(Nodes)) + 3);
        Assert.InRange(ring, 1, (2 * Math.Log2(Nodes)) + 3);
    }

    [Fact]
    public void AntiEntropyBytesStayWithinTenTimesTheDifferingData()
    {
        var (ae, diff) = Scale.AntiEntropyBytes(keys: 5_000, differing: 50, valueBytes: 100);
        Assert.True(diff > 0);
        Assert.InRange((double)ae / diff, 1.0, 10.0);
    }
}
