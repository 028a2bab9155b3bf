namespace Dynamo.Cart.Crdt;

/// <summary>
/// What merging a read's siblings did, in the visitor's words: which items only some versions had
/// (concurrent additions, kept), which items a version still carried but another had removed (they stay
/// removed: the tombstone wins over the stale entry), and which quantities were chosen concurrently.
/// </summary>
public sealed record MergeExplanation(
    CartState Merged,
    IReadOnlyList<string> KeptFromSomeVersions,
    IReadOnlyList<string> StayedRemoved,
    IReadOnlyList<QuantityChoice> ConcurrentQuantities)
{
    public static MergeExplanation Of(IReadOnlyList<CartState> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var merged = CartState.MergeAll(versions);
        var present = merged.Lines.ToDictionary(l => l.Sku, StringComparer.Ordinal);
        var seen = versions.SelectMany(v => v.Lines.Select(l => l.Sku)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        var kept = seen.Where(s => present.ContainsKey(s) && versions.Any(v => v.QuantityOf(s) == 0)).ToList();
        var removed = seen.Where(s => !present.ContainsKey(s)).ToList();
        var choices = merged.Lines.Where(l => l.HasConcurrentQuantities).Select(l => new QuantityChoice(l.Sku, l.Versions, l.Quantity)).ToList();
        return new MergeExplanation(merged, kept, removed, choices);
    }
}
