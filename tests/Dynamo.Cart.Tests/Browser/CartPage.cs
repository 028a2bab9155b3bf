using System.Diagnostics;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dynamo.Cart.Tests.Browser;

/// <summary>
/// The shop page as a test drives it. Every wait is Playwright's own (polling a selector until a
/// deadline): a change counts as done once the cart shows it and says it is saved (clicking Retry, as a
/// visitor would, when a quorum fails on the way).
/// </summary>
public sealed class CartPage(IPage page)
{
    private const string Settled = "[data-testid=cart][data-loaded=true][data-busy=false][data-unsaved=false]";
    private static readonly LocatorAssertionsToBeVisibleOptions Long = new() { Timeout = 90_000 };
    private static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(120);

    public IPage Page => page;

    public async Task OpenAsync(string cart)
    {
        await page.GotoAsync("cart/" + cart);
        await SettledAsync();
    }

    public async Task ReloadAsync()
    {
        await page.ReloadAsync();
        await SettledAsync();
    }

    public async Task AddAsync(string sku, int expectedQuantity = 1)
    {
        await page.Locator($"[data-testid=add-{sku}]").ClickAsync();
        await ShowsAsync(sku, expectedQuantity);
    }

    public async Task RemoveAsync(string sku)
    {
        await page.Locator($"[data-testid=remove-{sku}]").ClickAsync();
        await SeeSavedAsync($"{Settled}:not(:has([data-testid=line-{sku}]))");
    }

    /// <summary>Waits until the saved cart shows the item with that quantity.</summary>
    public Task ShowsAsync(string sku, int quantity = 1) => SeeSavedAsync($"{Settled} [data-testid=line-{sku}][data-quantity=\"{quantity}\"]");

    public async Task<bool> HasAsync(string sku) => await page.Locator($"[data-testid=line-{sku}]").CountAsync() > 0;

    public async Task<int> SiblingsOfLastReadAsync() =>
        int.Parse(await page.Locator("[data-testid=last-read]").GetAttributeAsync("data-siblings") ?? "-1", System.Globalization.CultureInfo.InvariantCulture);

    public Task SettledAsync() => SeeSavedAsync(Settled);

    /// <summary>Waits until the page shows <paramref name="selector"/>.</summary>
    public async Task SeeAsync(string selector)
    {
        try
        {
            await Expect(page.Locator(selector).First).ToBeVisibleAsync(Long);
        }
        catch (Exception ex) when (ex is TimeoutException or PlaywrightException)
        {
            throw await ExplainAsync(selector, ex);
        }
    }

    /// <summary>
    /// Waits until the page shows <paramref name="selector"/>, a state the cart reaches once the cluster
    /// stored or returned what it should. A quorum that fails on the way (a loaded machine, a cluster just
    /// healed) shows the banner; the visitor's answer is Retry, and so is this one's, until a deadline.
    /// </summary>
    public async Task SeeSavedAsync(string selector)
    {
        var target = page.Locator(selector).First;
        var retry = page.Locator("[data-testid=retry]:not([disabled])");
        var clock = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                await Expect(target.Or(retry).First).ToBeVisibleAsync(Long);
                if (await target.IsVisibleAsync() || clock.Elapsed > RetryFor)
                {
                    await Expect(target).ToBeVisibleAsync(Long);
                    return;
                }

                // An attempt still in flight may succeed between the look above and this click, taking the
                // banner and its button away: then look again rather than wait for a button that will not come.
                try
                {
                    await retry.ClickAsync(new LocatorClickOptions { Timeout = 5_000 });
                }
                catch (Exception ex) when (ex is TimeoutException or PlaywrightException)
                {
                    continue;
                }

                // Retry disables the button until the attempt ends; a fast failure may already have enabled it again.
                try
                {
                    await Expect(retry).ToHaveCountAsync(0, new LocatorAssertionsToHaveCountOptions { Timeout = 10_000 });
                }
                catch (PlaywrightException)
                {
                }
            }
        }
        catch (Exception ex) when (ex is TimeoutException or PlaywrightException)
        {
            throw await ExplainAsync(selector, ex);
        }
    }

    // Say what the page showed instead: the cart, and any problem banner.
    private async Task<Exception> ExplainAsync(string selector, Exception ex)
    {
        string shown = await page.Locator("main").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 5_000 });
        return new InvalidOperationException($"Waited for {selector}; the page shows:\n{shown}", ex);
    }
}
