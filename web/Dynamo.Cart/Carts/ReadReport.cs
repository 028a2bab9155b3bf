using Dynamo.Cart.Crdt;

namespace Dynamo.Cart.Carts;

/// <summary>What the last read of the cart returned and what the cart did with it (the transparency panel).</summary>
public sealed record ReadReport(
    DateTimeOffset At,
    bool Found,
    IReadOnlyList<SiblingView> Siblings,
    MergeExplanation Merge,
    bool IncludedUnsavedChanges,
    bool WroteBack)
{
    public int SiblingCount => Siblings.Count;

    public int Unreadable => Siblings.Count(s => s.State is null);
}
