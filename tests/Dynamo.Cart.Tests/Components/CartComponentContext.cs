using Bunit;
using Dynamo.Cart.Carts;
using Dynamo.Cart.Cluster;
using Dynamo.Cart.Tests.Fakes;
using Dynamo.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dynamo.Cart.Tests.Components;

/// <summary>
/// A bunit context with the cart's real services (sessions, watchers, the browser copy of unsaved changes)
/// over fakes of the cluster: an in-memory Dynamo with sibling semantics, a router view and node admin API
/// the test controls; bunit's JS runtime stands in for the browser.
/// </summary>
public sealed class CartComponentContext : BunitContext
{
    public CartComponentContext()
    {
        // The machine may be busy; waits poll until this deadline, they never sleep.
        DefaultWaitTimeout = TimeSpan.FromSeconds(20);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton<IDynamoClient>(Dynamo);
        Services.AddSingleton<ICartTable, FakeCartTable>();
        Services.AddSingleton<IOptions<CartOptions>>(Options.Create(new CartOptions { ClusterRefreshMs = 100 }));
        Services.AddSingleton(TimeProvider.System);
        Services.AddLogging();
        Services.AddSingleton<IClusterSource>(Cluster);
        Services.AddSingleton<INodeAdmin>(Admin);
        Services.AddScoped<CartSession>();
        Services.AddScoped<ICartDrafts, BrowserCartDrafts>();
        Services.AddScoped<ClusterWatcher>();
    }

    public InMemoryDynamo Dynamo { get; } = new();

    public FakeClusterSource Cluster { get; } = new();

    public FakeNodeAdmin Admin { get; } = new("node1", "node2", "node3");
}
