using Bunit;
using Dynamo.Cart.Catalog;
using Dynamo.Cart.Components.Pages;
using Dynamo.Cart.Crdt;

namespace Dynamo.Cart.Tests.Components;

/// <summary>The shop page: catalog, cart panel, transparency panel and error banner working together.</summary>
public sealed class ShopPageTests : IDisposable
{
    private const string Cart = "bunit-cart";
    private readonly CartComponentContext _ctx = new();

    private IRenderedComponent<Shop> RenderShop(string name = Cart)
    {
        var page = _ctx.Render<Shop>(p => p.Add(x => x.Name, name));
        page.WaitForAssertion(() => Assert.Equal("true", page.Find("[data-testid=cart]").GetAttribute("data-loaded")));
        return page;
    }

    [Fact]
    public void AddChangeQuantityAndRemoveAreStoredInTheCluster()
    {
        var page = RenderShop();
        Assert.Equal(ProductCatalog.All.Count, page.FindAll("article.product").Count);
        page.Find("[data-testid=cart-empty]");

        page.Find("[data-testid=add-apple]").Click();
        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-testid=qty-apple]").TextContent));
        page.Find("[data-testid=inc-apple]").Click();
        page.WaitForAssertion(() => Assert.Equal("2", page.Find("[data-testid=qty-apple]").TextContent));
        Assert.Equal("$1.60", page.Find("[data-testid=total]").TextContent);
        Assert.Equal(2, Assert.Single(_ctx.Dynamo.Stored("carts", Cart)).QuantityOf("apple"));

        page.Find("[data-testid=dec-apple]").Click();
        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-testid=qty-apple]").TextContent));
        page.Find("[data-testid=remove-apple]").Click();
        page.WaitForElement("[data-testid=cart-empty]");
        Assert.True(Assert.Single(_ctx.Dynamo.Stored("carts", Cart)).IsEmpty);

        // Four changes, four entries: each change tombstoned the one before, and the remove the last.
        Assert.StartsWith("0 live entries · 3 tombstones", page.Find("[data-testid=crdt-stats]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SiblingsAreMergedShownAndWrittenBack()
    {
        // Two tabs wrote concurrently (no context): the store holds two versions.
        await _ctx.Dynamo.PutAsync("carts", Cart, CartCodec.Encode(CartState.Empty.Add("apple", 1, "a1")), CartCodec.ContentType);
        await _ctx.Dynamo.PutAsync("carts", Cart, CartCodec.Encode(CartState.Empty.Add("pear", 2, "b1")), CartCodec.ContentType);

        var page = RenderShop();

        Assert.Equal("2", page.Find("[data-testid=last-read]").GetAttribute("data-siblings"));
        page.Find("[data-testid=sibling-1]");
        page.Find("[data-testid=sibling-2]");
        Assert.Contains("Honeycrisp apple", page.Find("[data-testid=merge-notes]").TextContent, StringComparison.Ordinal);
        page.Find("[data-testid=wrote-back]");
        Assert.Equal("1", page.Find("[data-testid=qty-apple]").TextContent);
        Assert.Equal("2", page.Find("[data-testid=qty-pear]").TextContent);
        Assert.Single(_ctx.Dynamo.Stored("carts", Cart));
    }

    [Fact]
    public async Task AnItemRemovedInOneVersionIsShownAsStayingRemoved()
    {
        var basis = CartState.Empty.Add("apple", 1, "t0");
        await _ctx.Dynamo.PutAsync("carts", Cart, CartCodec.Encode(basis.Remove("apple")), CartCodec.ContentType);
        await _ctx.Dynamo.PutAsync("carts", Cart, CartCodec.Encode(basis.Add("lamp", 1, "t1")), CartCodec.ContentType);

        var page = RenderShop();

        page.Find("[data-testid=stayed-removed-apple]");
        Assert.Empty(page.FindAll("[data-testid=line-apple]"));
        page.Find("[data-testid=line-lamp]");
    }

    [Fact]
    public void AQuorumFailureShowsABannerKeepsTheChangeAndRetrySavesIt()
    {
        var page = RenderShop();
        _ctx.Dynamo.Unavailable = true;

        page.Find("[data-testid=add-coffee]").Click();

        page.WaitForAssertion(() => Assert.Contains("W = 2 of N = 3", page.Find("[data-testid=problem]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Not saved yet", page.Find("[data-testid=save-state]").TextContent, StringComparison.Ordinal);
        Assert.Equal("1", page.Find("[data-testid=qty-coffee]").TextContent);

        _ctx.Dynamo.Unavailable = false;
        page.Find("[data-testid=retry]").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=problem]")));
        Assert.Equal(1, Assert.Single(_ctx.Dynamo.Stored("carts", Cart)).QuantityOf("coffee"));
    }

    [Fact]
    public void CheckoutConfirmsTheOrderAndEmptiesTheCart()
    {
        var page = RenderShop();
        page.Find("[data-testid=add-headphones]").Click();
        page.WaitForElement("[data-testid=line-headphones]");

        page.Find("[data-testid=checkout]").Click();

        page.WaitForAssertion(() => Assert.Contains("$59.00", page.Find("[data-testid=order]").TextContent, StringComparison.Ordinal));
        page.Find("[data-testid=cart-empty]");
        Assert.True(page.Find("[data-testid=checkout]").HasAttribute("disabled"));
    }

    [Fact]
    public void ThePreferenceListShowsWhichReplicasAreDown()
    {
        _ctx.Cluster.Snapshot = Fakes.Snapshots.Ring(["node1", "node2", "node3"], 16, down: ["node2"]);
        var page = RenderShop();

        page.WaitForAssertion(() => Assert.Equal("down", page.Find("[data-testid=replica-node2]").GetAttribute("data-health")));
        Assert.Equal("up", page.Find("[data-testid=replica-node1]").GetAttribute("data-health"));
        Assert.Contains("no healthy fallback", page.Find("[data-testid=replica-node2]").TextContent, StringComparison.Ordinal);
        Assert.Contains("carts/" + Cart, page.Find("[data-testid=key]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInvalidCartNameIsExplainedNotCrashed()
    {
        var page = _ctx.Render<Shop>(p => p.Add(x => x.Name, "NOT/valid!"));
        Assert.Contains("not a cart name", page.Markup, StringComparison.Ordinal);
        Assert.Equal(0, _ctx.Dynamo.Reads);
    }

    [Fact]
    public void AChangeTheClusterDidNotAcknowledgeIsKeptInTheBrowserUntilItIsStored()
    {
        var page = RenderShop();
        _ctx.Dynamo.Unavailable = true;

        page.Find("[data-testid=add-coffee]").Click();

        page.WaitForElement("[data-testid=problem]");
        page.WaitForAssertion(() =>
        {
            var kept = Assert.Single(Calls("dynamoCartDrafts.save"));
            Assert.Equal(Cart, kept.Arguments[0]);
            Assert.Equal(1, CartCodec.Decode(System.Text.Encoding.UTF8.GetBytes((string)kept.Arguments[1]!)).QuantityOf("coffee"));
        });
        Assert.Empty(Calls("dynamoCartDrafts.clear"));

        _ctx.Dynamo.Unavailable = false;
        page.Find("[data-testid=retry]").Click();

        page.WaitForAssertion(() => Assert.Equal(Cart, Assert.Single(Calls("dynamoCartDrafts.clear")).Arguments[0]));
        Assert.Equal(1, Assert.Single(_ctx.Dynamo.Stored("carts", Cart)).QuantityOf("coffee"));
    }

    [Fact]
    public async Task ACopyKeptBeforeAReloadIsMergedBackAndStoredWithoutUndoingRemovals()
    {
        // The tab had apple and pear, removed nothing, and added a lamp it could not store; meanwhile
        // another tab removed the apple.
        var basis = CartState.Empty.Add("apple", 1, "t0").Add("pear", 1, "t1");
        await _ctx.Dynamo.PutAsync("carts", Cart, CartCodec.Encode(basis.Remove("apple")), CartCodec.ContentType);
        var kept = basis.Add("lamp", 1, "t2");
        _ctx.JSInterop.Setup<string?>("dynamoCartDrafts.load", Cart).SetResult(System.Text.Encoding.UTF8.GetString(CartCodec.Encode(kept)));

        var page = RenderShop();

        page.WaitForAssertion(() => Assert.Equal(Cart, Assert.Single(Calls("dynamoCartDrafts.clear")).Arguments[0]));
        page.Find("[data-testid=line-lamp]");
        page.Find("[data-testid=line-pear]");
        Assert.Empty(page.FindAll("[data-testid=line-apple]"));
        var stored = Assert.Single(_ctx.Dynamo.Stored("carts", Cart));
        Assert.Equal(["lamp", "pear"], stored.Lines.Select(l => l.Sku));
    }

    [Fact]
    public async Task ACopyTheClusterAlreadyHasIsDroppedWithoutAWrite()
    {
        var state = CartState.Empty.Add("apple", 2, "t0");
        await _ctx.Dynamo.PutAsync("carts", Cart, CartCodec.Encode(state), CartCodec.ContentType);
        _ctx.JSInterop.Setup<string?>("dynamoCartDrafts.load", Cart).SetResult(System.Text.Encoding.UTF8.GetString(CartCodec.Encode(state)));
        int writes = _ctx.Dynamo.Writes;

        var page = RenderShop();

        page.WaitForAssertion(() => Assert.Single(Calls("dynamoCartDrafts.clear")));
        Assert.Equal(writes, _ctx.Dynamo.Writes);
        Assert.Equal("2", page.Find("[data-testid=qty-apple]").TextContent);
    }

    private List<JSRuntimeInvocation> Calls(string identifier) =>
        [.. _ctx.JSInterop.Invocations.Where(i => i.Identifier == identifier)];

    public void Dispose() => _ctx.Dispose();
}
