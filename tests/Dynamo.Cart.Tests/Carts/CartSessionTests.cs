using Dynamo.Cart.Carts;
using Dynamo.Cart.Crdt;
using Dynamo.Cart.Tests.Fakes;
using Dynamo.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dynamo.Cart.Tests.Carts;

/// <summary>
/// A tab's cart session against a store with Dynamo's sibling semantics: concurrent writes from two tabs
/// become siblings, a read merges them and writes the merge back, a removal survives stale writes, and a
/// failure keeps the change for Retry.
/// </summary>
public sealed class CartSessionTests : IDisposable
{
    private const string Cart = "test-cart";
    private readonly InMemoryDynamo _dynamo = new();
    private readonly List<CartSession> _tabs = [];

    private readonly FakeCartTable _table = new();

    private CartSession NewTab()
    {
        var tab = new CartSession(_dynamo, _table, Options.Create(new CartOptions()), TimeProvider.System, NullLogger<CartSession>.Instance);
        _tabs.Add(tab);
        return tab;
    }

    private async Task<CartSession> OpenTab()
    {
        var tab = NewTab();
        await tab.OpenAsync(Cart);
        Assert.Null(tab.Problem);
        return tab;
    }

    [Fact]
    public async Task ConcurrentAdditionsFromTwoTabsBecomeSiblingsAndTheNextReadMergesThem()
    {
        var a = await OpenTab();
        var b = await OpenTab();

        await a.AddAsync("apple");
        await b.AddAsync("pear");

        // Each tab wrote with the (empty) context it read: the store keeps both versions.
        Assert.Equal(2, _dynamo.Stored("carts", Cart).Count);
        Assert.Equal(0, b.State.QuantityOf("apple"));

        await a.RefreshAsync();
        Assert.Equal(2, a.LastRead!.SiblingCount);
        Assert.True(a.LastRead.WroteBack);
        Assert.Equal(["apple", "pear"], a.LastRead.Merge.KeptFromSomeVersions);
        Assert.Equal(1, a.State.QuantityOf("apple"));
        Assert.Equal(1, a.State.QuantityOf("pear"));

        var stored = Assert.Single(_dynamo.Stored("carts", Cart));
        Assert.Equal(a.State, stored);
        Assert.False(a.HasUnsavedChanges);
        Assert.Equal(ContextSource.Write, a.ContextFrom);
    }

    [Fact]
    public async Task ARemovedItemStaysRemovedWhenAStaleTabWritesAgain()
    {
        var a = await OpenTab();
        await a.AddAsync("apple");
        await a.AddAsync("pear");
        var b = await OpenTab();
        Assert.Equal(1, b.State.QuantityOf("apple"));

        await a.RemoveAsync("apple");
        await b.AddAsync("coffee");

        // b's version still carries the apple's entry; a's carries its tombstone.
        Assert.Equal(2, _dynamo.Stored("carts", Cart).Count);
        await a.RefreshAsync();
        Assert.Equal(["apple"], a.LastRead!.Merge.StayedRemoved);
        Assert.Equal(0, a.State.QuantityOf("apple"));
        Assert.Equal(1, a.State.QuantityOf("coffee"));

        await b.RefreshAsync();
        Assert.Equal(0, b.State.QuantityOf("apple"));
        await b.AddAsync("pear");
        await a.AddAsync("lamp");
        var c = await OpenTab();
        Assert.Equal(0, c.State.QuantityOf("apple"));
        Assert.Equal(["coffee", "lamp", "pear"], c.State.Lines.Select(l => l.Sku).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AQuorumFailureKeepsTheChangeAndRetrySendsIt()
    {
        var a = await OpenTab();
        _dynamo.Unavailable = true;

        await a.AddAsync("apple");

        Assert.NotNull(a.Problem);
        Assert.Equal(RetryAction.Write, a.Problem.Retry);
        Assert.Equal("Not enough replicas answered", a.Problem.Title);
        Assert.Contains("W = 2 of N = 3", a.Problem.Message, StringComparison.Ordinal);
        Assert.True(a.HasUnsavedChanges);
        Assert.Equal(1, a.State.QuantityOf("apple"));
        Assert.Empty(_dynamo.Stored("carts", Cart));

        await a.RetryAsync();
        Assert.NotNull(a.Problem);

        _dynamo.Unavailable = false;
        await a.RetryAsync();
        Assert.Null(a.Problem);
        Assert.False(a.HasUnsavedChanges);
        Assert.Equal(1, Assert.Single(_dynamo.Stored("carts", Cart)).QuantityOf("apple"));
    }

    [Fact]
    public async Task AChangeIsKeptWhenTheRouterCannotBeReachedAtAll()
    {
        _table.Unreachable = true;
        var a = NewTab();
        await a.OpenAsync(Cart);
        Assert.Equal("The cluster cannot be reached", a.Problem!.Title);

        await a.AddAsync("apple");
        Assert.Equal(1, a.State.QuantityOf("apple"));
        Assert.True(a.HasUnsavedChanges);
        Assert.Equal(RetryAction.Write, a.Problem!.Retry);

        _table.Unreachable = false;
        await a.RetryAsync();
        Assert.Null(a.Problem);
        Assert.Equal(1, Assert.Single(_dynamo.Stored("carts", Cart)).QuantityOf("apple"));
    }

    [Fact]
    public async Task AReadMergesUnsavedChangesInsteadOfDroppingThem()
    {
        var a = await OpenTab();
        _dynamo.Unavailable = true;
        await a.AddAsync("apple");
        _dynamo.Unavailable = false;

        var b = await OpenTab();
        await b.AddAsync("pear");

        await a.RefreshAsync();
        Assert.True(a.LastRead!.IncludedUnsavedChanges);
        Assert.True(a.LastRead.WroteBack);
        Assert.False(a.HasUnsavedChanges);
        var stored = Assert.Single(_dynamo.Stored("carts", Cart));
        Assert.Equal(1, stored.QuantityOf("apple"));
        Assert.Equal(1, stored.QuantityOf("pear"));
    }

    [Fact]
    public async Task AFailedFirstReadIsReportedWithARetryThatReads()
    {
        _dynamo.Unavailable = true;
        var a = NewTab();
        await a.OpenAsync(Cart);
        Assert.False(a.Loaded);
        Assert.Equal(RetryAction.Read, a.Problem!.Retry);
        Assert.Contains("R = 2 of N = 3", a.Problem.Message, StringComparison.Ordinal);

        _dynamo.Unavailable = false;
        await a.RetryAsync();
        Assert.True(a.Loaded);
        Assert.Null(a.Problem);
    }

    [Fact]
    public async Task CheckoutEmptiesTheCartConfirmsTheOrderAndStaysEmptyAfterAStaleWrite()
    {
        var a = await OpenTab();
        await a.AddAsync("apple");
        await a.AddAsync("apple");
        await a.AddAsync("lamp");
        var stale = await OpenTab();

        await a.CheckoutAsync();

        Assert.NotNull(a.LastOrder);
        Assert.Equal(35.60m, a.LastOrder.Total);
        Assert.Equal(3, a.LastOrder.Lines.Sum(l => l.Quantity));
        Assert.True(a.State.IsEmpty);

        await stale.AddAsync("coffee");
        await a.RefreshAsync();
        Assert.Equal(["coffee"], a.State.Lines.Select(l => l.Sku));
    }

    [Fact]
    public async Task DecrementingToZeroRemovesAndSwitchingCartsStartsClean()
    {
        var a = await OpenTab();
        await a.AddAsync("apple");
        await a.AddAsync("apple");
        await a.DecrementAsync("apple");
        Assert.Equal(1, a.State.QuantityOf("apple"));
        await a.DecrementAsync("apple");
        Assert.True(a.State.IsEmpty);
        await a.SetQuantityAsync("lamp", 4);
        Assert.Equal(4, a.State.QuantityOf("lamp"));

        await a.OpenAsync("another-cart");
        Assert.True(a.State.IsEmpty);
        Assert.Equal("another-cart", a.CartName);
        await Assert.ThrowsAsync<ArgumentException>(() => a.OpenAsync("Not A Valid/Name"));
    }

    [Fact]
    public async Task AChangeMadeBeforeAnyReadSucceededIsRetriedThroughARead()
    {
        var b = await OpenTab();
        await b.AddAsync("pear");

        _dynamo.Unavailable = true;
        var a = NewTab();
        await a.OpenAsync(Cart);
        await a.AddAsync("apple");
        Assert.False(a.Loaded);
        Assert.True(a.HasUnsavedChanges);

        _dynamo.Unavailable = false;
        await a.RetryAsync();

        // The retry read the pear the tab had never seen, merged its apple in and wrote with the read's context.
        Assert.Null(a.Problem);
        Assert.True(a.Loaded);
        Assert.True(a.LastRead!.IncludedUnsavedChanges);
        var stored = Assert.Single(_dynamo.Stored("carts", Cart));
        Assert.Equal(["apple", "pear"], stored.Lines.Select(l => l.Sku));
        Assert.Equal(stored, a.State);
    }

    [Fact]
    public async Task RestoringACopyKeptInTheBrowserMergesItAndStoresIt()
    {
        var a = await OpenTab();
        await a.AddAsync("apple");
        var kept = a.State.Add("lamp", 2, CartTags.New());
        await a.RemoveAsync("apple");

        // A new session of the tab (after a reload) finds the copy kept before the lamp could be stored.
        var reloaded = await OpenTab();
        Assert.True(await reloaded.RestoreAsync(kept));

        Assert.Null(reloaded.Problem);
        Assert.False(reloaded.HasUnsavedChanges);
        var stored = Assert.Single(_dynamo.Stored("carts", Cart));
        Assert.Equal(2, stored.QuantityOf("lamp"));
        Assert.Equal(0, stored.QuantityOf("apple"));

        // Restoring it again changes nothing and writes nothing.
        int writes = _dynamo.Writes;
        Assert.False(await reloaded.RestoreAsync(kept));
        Assert.Equal(writes, _dynamo.Writes);
    }

    [Fact]
    public async Task ACopyRestoredWhileTheClusterIsDownStaysUnsavedForRetry()
    {
        _dynamo.Unavailable = true;
        var a = NewTab();
        await a.OpenAsync(Cart);
        Assert.True(await a.RestoreAsync(CartState.Empty.Add("coffee", 1, CartTags.New())));

        Assert.True(a.HasUnsavedChanges);
        Assert.Equal(RetryAction.Write, a.Problem!.Retry);
        Assert.Equal(1, a.State.QuantityOf("coffee"));

        _dynamo.Unavailable = false;
        await a.RetryAsync();
        Assert.Null(a.Problem);
        Assert.Equal(1, Assert.Single(_dynamo.Stored("carts", Cart)).QuantityOf("coffee"));
    }

    [Fact]
    public void ProblemsAreWordedForPeople()
    {
        var table = new TableInfo("carts", 3, 2, 2);
        var unreachable = CartProblem.From(new HttpRequestException("Connection refused"), RetryAction.Read, table, "http://router");
        Assert.Equal("The cluster cannot be reached", unreachable.Title);
        Assert.Contains("http://router", unreachable.Message, StringComparison.Ordinal);

        var refused = CartProblem.From(new DynamoException(413, "Value too large", "A value is at most 1048576 bytes."), RetryAction.Write, table, "http://router");
        Assert.Equal("The cluster refused the request", refused.Title);
        Assert.Contains("kept in this tab", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var tab in _tabs)
        {
            tab.Dispose();
        }
    }
}
