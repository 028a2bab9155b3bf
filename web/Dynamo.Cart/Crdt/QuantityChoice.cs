namespace Dynamo.Cart.Crdt;

/// <summary>A quantity chosen concurrently in several versions; the merge shows the largest.</summary>
public sealed record QuantityChoice(string Sku, IReadOnlyList<int> Quantities, int Shown);
