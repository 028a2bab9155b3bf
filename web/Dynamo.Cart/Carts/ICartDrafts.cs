using Dynamo.Cart.Crdt;

namespace Dynamo.Cart.Carts;

/// <summary>
/// Where a tab keeps its copy of a cart while that copy holds changes the cluster has not acknowledged:
/// in the browser (sessionStorage), so the changes outlive the tab's server-side session. A reload, a
/// lost connection or a restarted cart server then brings them back instead of dropping them, and the
/// browser asks before the tab is closed with such changes in it.
/// </summary>
public interface ICartDrafts
{
    /// <summary>The copy kept for <paramref name="cart"/>, or null when there is none (or it cannot be read).</summary>
    Task<CartState?> LoadAsync(string cart);

    /// <summary>Keeps <paramref name="state"/> as the copy of <paramref name="cart"/> with unsaved changes.</summary>
    Task SaveAsync(string cart, CartState state);

    /// <summary>Forgets the copy of <paramref name="cart"/>: the cluster has acknowledged everything in it.</summary>
    Task ClearAsync(string cart);
}
