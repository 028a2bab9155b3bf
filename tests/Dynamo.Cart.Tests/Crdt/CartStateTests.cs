using Dynamo.Cart.Crdt;

namespace Dynamo.Cart.Tests.Crdt;

/// <summary>The cart operations, one behaviour at a time.</summary>
public sealed class CartStateTests
{
    [Fact]
    public void AddingCreatesOneEntryAndAddingAgainReplacesIt()
    {
        var s = CartState.Empty.Add("apple", 1, "t1");
        Assert.Equal(1, s.QuantityOf("apple"));
        s = s.Add("apple", 2, "t2");
        Assert.Equal(3, s.QuantityOf("apple"));
        Assert.Equal("t2", Assert.Single(s.Entries).Tag);
        Assert.Equal(["t1"], s.RemovedTags);
    }

    [Fact]
    public void RemovingTombstonesWhatWasSeenAndSettingZeroRemoves()
    {
        var s = CartState.Empty.Add("apple", 2, "t1").Add("pear", 1, "t2");
        var removed = s.Remove("apple");
        Assert.Equal(0, removed.QuantityOf("apple"));
        Assert.True(removed.IsRemoved("t1"));
        Assert.Equal(removed.Lines, s.Set("apple", 0, "t3").Lines);
        Assert.Same(removed, removed.Remove("apple"));
    }

    [Fact]
    public void ConcurrentAdditionsOfDifferentItemsBothSurvive()
    {
        var tabA = CartState.Empty.Add("apple", 1, "a1");
        var tabB = CartState.Empty.Add("pear", 1, "b1");
        var merged = tabA.Merge(tabB);
        Assert.Equal(["apple", "pear"], merged.Lines.Select(l => l.Sku));
    }

    [Fact]
    public void ConcurrentQuantitiesOfOneItemShowTheLargestAndKeepBoth()
    {
        var basis = CartState.Empty.Add("apple", 2, "t0");
        var tabA = basis.Set("apple", 3, "a1");
        var tabB = basis.Set("apple", 5, "b1");
        var line = Assert.Single(tabA.Merge(tabB).Lines);
        Assert.Equal(5, line.Quantity);
        Assert.Equal([5, 3], line.Versions);
        Assert.True(line.HasConcurrentQuantities);

        // The next change from a tab that saw both replaces both.
        var resolved = tabA.Merge(tabB).Set("apple", 4, "c1");
        Assert.False(Assert.Single(resolved.Lines).HasConcurrentQuantities);
    }

    [Fact]
    public void ClearKeepsTombstonesSoAStaleCopyCannotRefillTheCart()
    {
        var s = CartState.Empty.Add("apple", 1, "t1").Add("lamp", 1, "t2");
        var checkedOut = s.Clear();
        Assert.True(checkedOut.IsEmpty);
        Assert.Equal(2, checkedOut.RemovedTags.Count);
        Assert.True(checkedOut.Merge(s).IsEmpty);
    }

    [Fact]
    public void TagsCannotBeReusedAndQuantitiesAreBounded()
    {
        var s = CartState.Empty.Add("apple", 1, "t1");
        Assert.Throws<ArgumentException>(() => s.Add("pear", 1, "t1"));
        Assert.Throws<ArgumentException>(() => s.Remove("apple").Add("pear", 1, "t1"));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Set("apple", CartState.MaxQuantity + 1, "t9"));
        Assert.Equal(CartState.MaxQuantity, s.Add("apple", 500, "t2").QuantityOf("apple"));
    }

    [Fact]
    public void FreshTagsAreUniqueAndCompact()
    {
        var tags = Enumerable.Range(0, 10_000).Select(_ => CartTags.New()).ToList();
        Assert.Equal(tags.Count, tags.Distinct(StringComparer.Ordinal).Count());
        Assert.All(tags, t => Assert.Matches("^[A-Za-z0-9_-]{22}$", t));
    }
}
