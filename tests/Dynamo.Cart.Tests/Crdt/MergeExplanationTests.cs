using Dynamo.Cart.Crdt;

namespace Dynamo.Cart.Tests.Crdt;

/// <summary>The words the transparency panel uses for a merge match what the merge did.</summary>
public sealed class MergeExplanationTests
{
    [Fact]
    public void ExplainsKeptAdditionsRemovedItemsAndConcurrentQuantities()
    {
        var basis = CartState.Empty.Set("apple", 1, "t0").Set("lamp", 1, "t1");
        var tabA = basis.Remove("apple").Set("pear", 1, "a1").Set("lamp", 2, "a2");
        var tabB = basis.Set("coffee", 1, "b1").Set("lamp", 3, "b2");

        var e = MergeExplanation.Of([tabA, tabB]);

        Assert.Equal(["coffee", "pear"], e.KeptFromSomeVersions);
        Assert.Equal(["apple"], e.StayedRemoved);
        var choice = Assert.Single(e.ConcurrentQuantities);
        Assert.Equal(("lamp", 3), (choice.Sku, choice.Shown));
        Assert.Equal(CartState.MergeAll([tabA, tabB]), e.Merged);
    }

    [Fact]
    public void OneVersionHasNothingToExplain()
    {
        var e = MergeExplanation.Of([CartState.Empty.Add("apple", 1, "t")]);
        Assert.Empty(e.KeptFromSomeVersions);
        Assert.Empty(e.StayedRemoved);
        Assert.Empty(e.ConcurrentQuantities);
        Assert.True(MergeExplanation.Of([]).Merged.IsEmpty);
    }
}
