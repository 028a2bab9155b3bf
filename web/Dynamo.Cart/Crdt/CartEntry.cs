namespace Dynamo.Cart.Crdt;

/// <summary>
/// One addition to a cart: "<see cref="Quantity"/> of <see cref="Sku"/>", named by a tag no other addition
/// anywhere will ever carry. Entries are immutable; a quantity change is a new entry that removes the
/// entries it saw (see <see cref="CartState"/>).
/// </summary>
public readonly record struct CartEntry(string Tag, string Sku, int Quantity);
