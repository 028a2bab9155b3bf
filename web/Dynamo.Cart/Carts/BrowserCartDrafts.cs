using System.Text;
using Dynamo.Cart.Crdt;
using Microsoft.JSInterop;

namespace Dynamo.Cart.Carts;

/// <summary>
/// <see cref="ICartDrafts"/> in the tab's sessionStorage, through <c>wwwroot/cart-drafts.js</c> (which also
/// guards closing the tab while a copy is kept). The copy is the cart's own CRDT document, so bringing it
/// back is a merge: harmless when the cluster already has it (merging is idempotent), and it cannot undo a
/// removal made elsewhere (the tombstone wins). Best effort: when the browser cannot be reached the tab's
/// copy on the server is still there, and the banner still says what is not saved.
/// </summary>
public sealed class BrowserCartDrafts(IJSRuntime js, ILogger<BrowserCartDrafts> log) : ICartDrafts
{
    public async Task<CartState?> LoadAsync(string cart)
    {
        string? doc = null;
        await TryAsync(async () => doc = await js.InvokeAsync<string?>("dynamoCartDrafts.load", cart), "load", cart);
        if (string.IsNullOrEmpty(doc))
        {
            return null;
        }

        var state = CartCodec.TryDecode(Encoding.UTF8.GetBytes(doc));
        if (state is null)
        {
            log.LogWarning("Cart {Cart}: the copy kept in the browser is not a cart document; ignored", cart);
        }

        return state;
    }

    public Task SaveAsync(string cart, CartState state) =>
        TryAsync(() => js.InvokeVoidAsync("dynamoCartDrafts.save", cart, Encoding.UTF8.GetString(CartCodec.Encode(state))).AsTask(), "save", cart);

    public Task ClearAsync(string cart) =>
        TryAsync(() => js.InvokeVoidAsync("dynamoCartDrafts.clear", cart).AsTask(), "clear", cart);

    private async Task TryAsync(Func<Task> call, string what, string cart)
    {
        try
        {
            await call();
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or TaskCanceledException or InvalidOperationException)
        {
            // The circuit is going away, or the script is missing: the server-side copy is all there is.
            log.LogDebug(ex, "Cart {Cart}: could not {What} the copy kept in the browser", cart, what);
        }
    }
}
