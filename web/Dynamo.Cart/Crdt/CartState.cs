using System.Collections.Immutable;

namespace Dynamo.Cart.Crdt;

/// <summary>
/// The cart as a state-based CRDT: an observed-remove set of additions (<see cref="CartEntry"/>) plus the
/// tags of every addition that was removed (tombstones).
/// <list type="bullet">
/// <item>An item is in the cart while at least one of its entries is live (not tombstoned).</item>
/// <item>Every change to an item (add one, +, −, set, remove) tombstones the item's entries this state
/// has seen and, unless the new quantity is zero, adds one new entry with the new quantity.</item>
/// <item><see cref="Merge"/> is the union of entries and of tombstones, minus the tombstoned entries: a
/// join of two sets, hence commutative, associative and idempotent; merging never creates entries.</item>
/// <item>A remove only cancels the additions it observed: an addition made concurrently (in another tab,
/// with another context) has a tag the remove never saw, so it survives the merge ("add wins").</item>
/// <item>A tombstoned tag never comes back: tombstones are kept and every merge applies them, so a stale
/// version that still carries a removed entry cannot resurrect it (the paper's cart, which merges by
/// union of items, can).</item>
/// <item>When tabs set an item's quantity concurrently, each leaves a live entry; the item's quantity
/// is the largest of them, a deterministic and bounded choice (never a sum that no tab chose).</item>
/// </list>
/// Tombstones are never compacted: no reader can know that no tab still holds a version carrying a
/// removed tag (a stale tab may write with an old context at any time), and dropping the tombstone
/// would let that version resurrect the item. They cost ~25 bytes per change, per cart.
/// </summary>
public sealed class CartState : IEquatable<CartState>
{
    public const int MaxQuantity = 99;

    private readonly ImmutableSortedDictionary<string, CartEntry> _entries;
    private readonly ImmutableSortedSet<string> _removed;

    private CartState(ImmutableSortedDictionary<string, CartEntry> entries, ImmutableSortedSet<string> removed)
    {
        _entries = entries;
        _removed = removed;
    }

    public static CartState Empty { get; } = new(
        ImmutableSortedDictionary.Create<string, CartEntry>(StringComparer.Ordinal),
        ImmutableSortedSet.Create<string>(StringComparer.Ordinal));

    /// <summary>Live entries, ordered by tag.</summary>
    public IEnumerable<CartEntry> Entries => _entries.Values;

    /// <summary>Tags of removed entries, ordered.</summary>
    public IReadOnlyCollection<string> RemovedTags => _removed;

    public int EntryCount => _entries.Count;

    public bool IsEmpty => _entries.IsEmpty;

    /// <summary>The items in the cart, ordered by SKU.</summary>
    public IReadOnlyList<CartLine> Lines =>
        [.. _entries.Values
            .GroupBy(e => e.Sku, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var versions = g.Select(e => e.Quantity).OrderDescending().ToList();
                return new CartLine(g.Key, versions[0], versions);
            })];

    public int ItemCount => Lines.Sum(l => l.Quantity);

    /// <summary>Builds a state from its parts (decoding); tombstoned entries are dropped.</summary>
    public static CartState Create(IEnumerable<CartEntry> entries, IEnumerable<string> removed)
    {
        var tombstones = ImmutableSortedSet.CreateRange(StringComparer.Ordinal, removed);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, CartEntry>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            Validate(e);
            if (!tombstones.Contains(e.Tag))
            {
                builder[e.Tag] = builder.TryGetValue(e.Tag, out var existing) ? Pick(existing, e) : e;
            }
        }

        return new CartState(builder.ToImmutable(), tombstones);
    }

    /// <summary>The quantity shown for an item: the largest of its live entries, 0 when absent.</summary>
    public int QuantityOf(string sku)
    {
        int q = 0;
        foreach (var e in _entries.Values)
        {
            if (string.Equals(e.Sku, sku, StringComparison.Ordinal) && e.Quantity > q)
            {
                q = e.Quantity;
            }
        }

        return q;
    }

    /// <summary>
    /// Sets an item's quantity: tombstones the item's entries seen here and adds one entry tagged
    /// <paramref name="tag"/> (a fresh <see cref="CartTags.New"/>) unless <paramref name="quantity"/> is 0.
    /// </summary>
    public CartState Set(string sku, int quantity, string tag)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantity, MaxQuantity);
        if (_entries.ContainsKey(tag) || _removed.Contains(tag))
        {
            throw new ArgumentException($"Tag {tag} was already used; every addition needs a fresh tag.", nameof(tag));
        }

        var observed = _entries.Values.Where(e => string.Equals(e.Sku, sku, StringComparison.Ordinal)).Select(e => e.Tag).ToList();
        var entries = _entries.RemoveRange(observed);
        if (quantity > 0)
        {
            var entry = new CartEntry(tag, sku, quantity);
            Validate(entry);
            entries = entries.Add(tag, entry);
        }

        return new CartState(entries, _removed.Union(observed));
    }

    /// <summary>Adds <paramref name="count"/> to what this state shows for the item (capped at <see cref="MaxQuantity"/>).</summary>
    public CartState Add(string sku, int count, string tag) => Set(sku, Math.Clamp(QuantityOf(sku) + count, 0, MaxQuantity), tag);

    /// <summary>Removes the item: tombstones the entries seen here, and only those.</summary>
    public CartState Remove(string sku)
    {
        var observed = _entries.Values.Where(e => string.Equals(e.Sku, sku, StringComparison.Ordinal)).Select(e => e.Tag).ToList();
        return observed.Count == 0 ? this : new CartState(_entries.RemoveRange(observed), _removed.Union(observed));
    }

    /// <summary>Empties the cart (checkout): every entry seen here is tombstoned; the tombstones stay.</summary>
    public CartState Clear() => _entries.IsEmpty ? this : new CartState(_entries.Clear(), _removed.Union(_entries.Keys));

    /// <summary>The join of two states: union of tombstones, union of entries, minus the tombstoned ones.</summary>
    public CartState Merge(CartState other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other))
        {
            return this;
        }

        var removed = _removed.Union(other._removed);
        var entries = _entries.ToBuilder();
        foreach (var (tag, e) in other._entries)
        {
            entries[tag] = entries.TryGetValue(tag, out var mine) ? Pick(mine, e) : e;
        }

        entries.RemoveRange(entries.Keys.Where(removed.Contains).ToList());
        return new CartState(entries.ToImmutable(), removed);
    }

    public static CartState MergeAll(IEnumerable<CartState> states) => states.Aggregate(Empty, (a, b) => a.Merge(b));

    public bool IsLive(string tag) => _entries.ContainsKey(tag);

    public bool IsRemoved(string tag) => _removed.Contains(tag);

    public bool Equals(CartState? other) =>
        other is not null && _entries.Count == other._entries.Count && _removed.SetEquals(other._removed)
        && _entries.All(kv => other._entries.TryGetValue(kv.Key, out var e) && e == kv.Value);

    public override bool Equals(object? obj) => Equals(obj as CartState);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var e in _entries.Values)
        {
            h.Add(e);
        }

        foreach (var t in _removed)
        {
            h.Add(t, StringComparer.Ordinal);
        }

        return h.ToHashCode();
    }

    public override string ToString() =>
        "{" + string.Join(", ", Lines.Select(l => $"{l.Sku}×{l.Quantity}")) + $"}} ({_entries.Count} entries, {_removed.Count} tombstones)";

    // Two different entries with one tag cannot come from this code (tags are random GUIDs) but could be
    // decoded from a hand-written value; a fixed choice keeps merge commutative even then.
    private static CartEntry Pick(CartEntry a, CartEntry b)
    {
        int c = string.CompareOrdinal(a.Sku, b.Sku);
        return c > 0 || (c == 0 && a.Quantity >= b.Quantity) ? a : b;
    }

    private static void Validate(CartEntry e)
    {
        if (string.IsNullOrEmpty(e.Tag) || string.IsNullOrEmpty(e.Sku) || e.Quantity is < 1 or > MaxQuantity)
        {
            throw new ArgumentException($"Invalid cart entry {e}: a tag, a SKU and a quantity of 1..{MaxQuantity} are required.");
        }
    }
}
