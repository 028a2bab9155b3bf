using Aspire.Hosting.Testing;
using Dynamo.Testing;
using Microsoft.Playwright;

namespace Dynamo.Cart.Tests.Browser;

/// <summary>
/// The real AppHost (seed, three storage nodes, router, cart) started once for the browser tests, and a
/// real Chromium driven by Playwright. Playwright cannot download its browsers here; it runs Debian's
/// chromium (CHROMIUM_PATH overrides /usr/bin/chromium; ./test.sh installs it).
/// </summary>
public sealed class CartAppFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private IPlaywright? _playwright;

    public ClusterApp Cluster { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The cart app's address (a random port under the testing builder).</summary>
    public Uri CartUrl { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        string chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException($"No Chromium at {chromium}: run ./test.sh as root (it installs it) or apt-get install chromium, or set CHROMIUM_PATH.");
        }

        Cluster = await ClusterApp.StartAsync(nodes: 3, spares: 0, cart: true);
        using var cts = new CancellationTokenSource(ClusterApp.StartTimeout);
        await Cluster.App.ResourceNotifications.WaitForResourceHealthyAsync("cart", cts.Token);
        CartUrl = Cluster.App.GetEndpoint("cart", "http");

        // The cart creates its table in the background once the ring has three nodes.
        await Eventually.Until(async () => await Cluster.Client.GetTableAsync("carts") is not null, TimeSpan.FromSeconds(90), "the carts table");

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Args = ChromiumArgs });
    }

    /// <summary>A fresh browser (its own cookies: a separate visitor) with one page.</summary>
    public async Task<IPage> NewTabAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = CartUrl.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();

        // Leaving a page that keeps unsaved changes asks first (beforeunload); a visitor who reloads says yes.
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        return page;
    }

    /// <summary>Cuts a node off (its admin API, as the cart's button does) and waits until the router sees it down.</summary>
    public async Task CutOffAsync(string node)
    {
        using var admin = Cluster.Admin(node);
        (await admin.PostAsync(new Uri("/admin/isolate", UriKind.Relative), null)).EnsureSuccessStatusCode();
        await Eventually.Until(async () => !await AvailableAsync(node), TimeSpan.FromSeconds(90), $"the router to see {node} down");
    }

    /// <summary>
    /// Reconnects nodes (all of them first) and waits until the router sees all three nodes up again and
    /// every node's own failure detector sees the others reachable: a coordinator that still suspects a
    /// replica would not ask it, and a quorum could fail right after the heal.
    /// </summary>
    public async Task ReconnectAsync(params string[] nodes)
    {
        foreach (var node in nodes)
        {
            using var admin = Cluster.Admin(node);
            (await admin.PostAsync(new Uri("/admin/reconnect", UriKind.Relative), null)).EnsureSuccessStatusCode();
        }

        await Cluster.WaitForRingAsync(3);
        await Eventually.Until(async () =>
        {
            foreach (var node in Cluster.NodeNames)
            {
                var status = await Cluster.StatusAsync(node);
                var peers = status.GetProperty("members").EnumerateArray()
                    .Where(m => Cluster.NodeNames.Contains(m.GetProperty("id").GetString()))
                    .ToList();
                if (peers.Count != Cluster.Nodes || !peers.All(m => m.GetProperty("available").GetBoolean()))
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(90), "every node to see the others reachable again");
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }

    private async Task<bool> AvailableAsync(string node)
    {
        using var doc = await Cluster.Client.GetClusterAsync();
        return doc.RootElement.GetProperty("nodes").EnumerateArray()
            .Any(n => n.GetProperty("id").GetString() == node && n.GetProperty("available").GetBoolean());
    }
}
