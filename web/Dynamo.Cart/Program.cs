using Dynamo.Cart;
using Dynamo.Cart.Carts;
using Dynamo.Cart.Components;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCart();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();

var app = builder.Build();

// Requests outside a Blazor circuit (the host page) never show a stack trace either.
app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseCartCookie();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapDefaultEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Run();
