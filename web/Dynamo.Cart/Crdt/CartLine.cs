namespace Dynamo.Cart.Crdt;

/// <summary>
/// An item as the visitor sees it. <see cref="Versions"/> lists the quantities of the item's live
/// entries: more than one means tabs chose quantities concurrently, and the largest is shown.
/// </summary>
public sealed record CartLine(string Sku, int Quantity, IReadOnlyList<int> Versions)
{
    public bool HasConcurrentQuantities => Versions.Count > 1;

    // Value equality over the versions too (a record compares lists by reference).
    public bool Equals(CartLine? other) =>
        other is not null && Sku == other.Sku && Quantity == other.Quantity && Versions.SequenceEqual(other.Versions);

    public override int GetHashCode() => HashCode.Combine(Sku, Quantity, Versions.Count);
}
