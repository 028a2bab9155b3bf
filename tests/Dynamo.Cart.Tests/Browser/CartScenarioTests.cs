using Dynamo.Cart.Crdt;
using Dynamo.Testing;
using static Microsoft.Playwright.Assertions;

namespace Dynamo.Cart.Tests.Browser;

/// <summary>
/// The scenario in a real browser against the real cluster: two visitors share a cart while a
/// node is cut off, their concurrent additions both survive the heal, a removed item never comes back,
/// and losing the write quorum is a friendly, retryable message that keeps the change, even through a reload.
/// </summary>
[Collection(CartAppCollection.Name)]
[Trait("Category", "Browser")]
public sealed class CartScenarioTests(CartAppFixture app) : IAsyncLifetime
{
    private readonly List<CartPage> _tabs = [];

    private static string NewCart() => "pw-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<CartPage> OpenTabAsync(string cart)
    {
        var tab = new CartPage(await app.NewTabAsync());
        _tabs.Add(tab);
        await tab.OpenAsync(cart);
        return tab;
    }

    /// <summary>The cart as stored, read at R = N and merged (what any later reader will see).</summary>
    private async Task<CartState> StoredAsync(string cart)
    {
        var read = await app.Cluster.Client.GetAsync("carts", cart, r: 3);
        return CartState.MergeAll(read.Siblings.Select(s => CartCodec.Decode(s.Value)));
    }

    [Fact]
    public async Task TwoBrowsersAddWhileANodeIsCutOffAndAfterHealOneReloadShowsBoth()
    {
        string cart = NewCart();
        var alice = await OpenTabAsync(cart);
        var bob = await OpenTabAsync(cart);

        await app.CutOffAsync("node3");
        try
        {
            await alice.AddAsync("apple");
            await bob.AddAsync("pear");

            // Bob wrote with the context he read before Alice's write: his tab does not know her apple,
            // and the cluster keeps both versions as siblings.
            Assert.False(await bob.HasAsync("apple"));
        }
        finally
        {
            await app.ReconnectAsync("node3");
        }

        await alice.ReloadAsync();
        await alice.ShowsAsync("apple");
        await alice.ShowsAsync("pear");
        Assert.Equal(2, await alice.SiblingsOfLastReadAsync());
        await Expect(alice.Page.Locator("[data-testid=wrote-back]")).ToBeVisibleAsync();

        // The merge was written back: one version holding both, on every replica.
        await Eventually.Until(async () =>
        {
            var read = await app.Cluster.Client.GetAsync("carts", cart, r: 3);
            return read.Siblings.Count == 1 && CartCodec.Decode(read.Siblings[0].Value) is var s && s.QuantityOf("apple") == 1 && s.QuantityOf("pear") == 1;
        }, TimeSpan.FromSeconds(60), "one stored version with both items");

        await bob.ReloadAsync();
        await bob.ShowsAsync("apple");
        await bob.ShowsAsync("pear");
        Assert.Equal(1, await bob.SiblingsOfLastReadAsync());
    }

    [Fact]
    public async Task AnItemRemovedStaysRemovedThroughMergesWithStaleVersions()
    {
        string cart = NewCart();
        var alice = await OpenTabAsync(cart);
        await alice.AddAsync("apple");
        await alice.AddAsync("pear");
        var bob = await OpenTabAsync(cart);
        await bob.ShowsAsync("apple");

        await alice.RemoveAsync("apple");

        // Bob's tab is stale: it still shows the apple, and his next write carries its entry.
        await bob.AddAsync("coffee");
        Assert.True(await bob.HasAsync("apple"));

        await alice.ReloadAsync();
        Assert.Equal(2, await alice.SiblingsOfLastReadAsync());
        await Expect(alice.Page.Locator("[data-testid=stayed-removed-apple]")).ToBeVisibleAsync();
        Assert.False(await alice.HasAsync("apple"));
        await alice.ShowsAsync("pear");
        await alice.ShowsAsync("coffee");

        // More merges, from both sides, in both orders: the apple never comes back.
        await bob.AddAsync("pear", expectedQuantity: 2);
        await alice.AddAsync("lamp");
        await bob.ReloadAsync();
        await alice.ReloadAsync();
        foreach (var tab in new[] { alice, bob })
        {
            Assert.False(await tab.HasAsync("apple"));
        }

        var stored = await StoredAsync(cart);
        Assert.Equal(0, stored.QuantityOf("apple"));
        Assert.Equal(["coffee", "lamp", "pear"], stored.Lines.Select(l => l.Sku).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task LosingTheWriteQuorumIsAFriendlyMessageAndTheChangeIsKeptThroughAReloadUntilRetryStoresIt()
    {
        string cart = NewCart();
        var tab = await OpenTabAsync(cart);

        await app.CutOffAsync("node2");
        await app.CutOffAsync("node3");
        try
        {
            await tab.Page.Locator("[data-testid=add-lamp]").ClickAsync();
            await tab.SeeAsync("[data-testid=problem]");
            await Expect(tab.Page.Locator("[data-testid=problem]")).ToContainTextAsync("Not enough replicas");
            await Expect(tab.Page.Locator("[data-testid=save-state]")).ToContainTextAsync("Not saved yet");
            await tab.SeeAsync("[data-testid=line-lamp]");

            // The browser keeps a copy of the unsaved cart, and leaving the page asks first.
            await tab.Page.WaitForFunctionAsync("() => window.dynamoCartDrafts.pending()");
            Assert.True(await tab.Page.EvaluateAsync<bool>("() => !window.dispatchEvent(new Event('beforeunload', { cancelable: true }))"));

            // A reload (a new server-side session) while the cluster still cannot store it: the change is back.
            await tab.Page.ReloadAsync();
            await tab.SeeAsync("[data-testid=cart] [data-testid=line-lamp]");
            await tab.SeeAsync("[data-testid=problem]");
            await Expect(tab.Page.Locator("[data-testid=save-state]")).ToContainTextAsync("Not saved yet", new() { Timeout = 90_000 });
        }
        finally
        {
            await app.ReconnectAsync("node2", "node3");
        }

        await tab.Page.Locator("[data-testid=retry]").ClickAsync();
        await tab.ShowsAsync("lamp");
        await Expect(tab.Page.Locator("[data-testid=problem]")).ToHaveCountAsync(0);
        Assert.Equal(1, (await StoredAsync(cart)).QuantityOf("lamp"));
        await tab.Page.WaitForFunctionAsync("() => !window.dynamoCartDrafts.pending()");
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var tab in _tabs)
        {
            await tab.Page.Context.CloseAsync();
        }
    }
}
