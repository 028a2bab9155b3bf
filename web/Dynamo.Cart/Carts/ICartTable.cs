using Dynamo.Client;

namespace Dynamo.Cart.Carts;

/// <summary>The Dynamo table the carts live in; it is created on first use.</summary>
public interface ICartTable
{
    string Name { get; }

    /// <summary>The table's settings, creating the table when it does not exist yet.</summary>
    Task<TableInfo> EnsureAsync(CancellationToken cancellation = default);

    /// <summary>Forgets what is known, after the cluster said the table is unknown.</summary>
    void Forget();
}
