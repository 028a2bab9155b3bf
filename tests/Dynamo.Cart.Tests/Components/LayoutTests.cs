using Bunit;
using Dynamo.Cart.Components.Layout;
using Microsoft.AspNetCore.Components;

namespace Dynamo.Cart.Tests.Components;

/// <summary>A component that fails shows a friendly box with "Try again", never a crash page.</summary>
public sealed class LayoutTests : IDisposable
{
    private readonly CartComponentContext _ctx = new();

    private sealed class Broken : ComponentBase
    {
        protected override void OnInitialized() => throw new InvalidOperationException("boom");
    }

    [Fact]
    public void AFailingPageIsCaughtByTheErrorBoundary()
    {
        RenderFragment body = b =>
        {
            b.OpenComponent<Broken>(0);
            b.CloseComponent();
        };
        var layout = _ctx.Render<MainLayout>(p => p.Add(x => x.Body, body));

        var crash = layout.Find("[data-testid=crash]");
        Assert.Contains("Your cart is stored in the cluster", crash.TextContent, StringComparison.Ordinal);
        Assert.Contains("Try again", crash.TextContent, StringComparison.Ordinal);
        layout.Find("[data-testid=cluster-pill]");
    }

    public void Dispose() => _ctx.Dispose();
}
