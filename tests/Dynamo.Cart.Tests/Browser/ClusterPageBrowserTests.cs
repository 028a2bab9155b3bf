using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dynamo.Cart.Tests.Browser;

/// <summary>The cluster page in a real browser: a node cut off with its button goes down, and comes back up.</summary>
[Collection(CartAppCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ClusterPageBrowserTests(CartAppFixture app)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Long = new() { Timeout = 90_000 };

    [Fact]
    public async Task TheClusterPageShowsANodeGoDownAndComeBackUp()
    {
        var page = await app.NewTabAsync();
        try
        {
            await page.GotoAsync("cluster");
            foreach (var node in new[] { "node1", "node2", "node3" })
            {
                await Expect(page.Locator($"[data-testid=node-{node}][data-health=up]")).ToBeVisibleAsync(Long);
            }

            await Expect(page.Locator("path.arc")).ToHaveCountAsync(64);
            await page.Locator("[data-testid=cutoff-node2]:not([disabled])").ClickAsync();

            await Expect(page.Locator("[data-testid=node-node2][data-isolated=true]")).ToBeVisibleAsync(Long);
            await Expect(page.Locator("[data-testid=node-node2][data-health=down]")).ToBeVisibleAsync(Long);
            await Expect(page.Locator("[data-testid=state-node2]")).ToHaveTextAsync("down");
            await Expect(page.Locator("[data-testid=cluster-pill]")).ToContainTextAsync("2 of 3 nodes up");

            await page.Locator("[data-testid=reconnect-node2]").ClickAsync();

            await Expect(page.Locator("[data-testid=node-node2][data-health=up][data-isolated=false]")).ToBeVisibleAsync(Long);
            await Expect(page.Locator("[data-testid=cluster-pill]")).ToContainTextAsync("3 of 3 nodes up", new() { Timeout = 90_000 });
        }
        finally
        {
            await page.Context.CloseAsync();

            // Whatever happened above, leave the cluster whole for the next test.
            await app.ReconnectAsync("node2");
        }
    }
}
