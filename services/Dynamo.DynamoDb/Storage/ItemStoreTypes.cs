using Dynamo.DynamoDb.Model;

namespace Dynamo.DynamoDb.Storage;

/// <summary>
/// The primary key of an item in store form: the partition and sort key values encoded with
/// <see cref="SortKeyCodec"/> (ordinal string order = DynamoDB order). <see cref="SortKey"/> is null
/// for tables without a sort key.
/// </summary>
/// <param name="PartitionKey">Encoded partition key value.</param>
/// <param name="SortKey">Encoded sort key value, or null.</param>
public readonly record struct ItemKey(string PartitionKey, string? SortKey)
{
    /// <inheritdoc />
    public override string ToString() => SortKey is null ? PartitionKey : PartitionKey + "/" + SortKey;
}

/// <summary>
/// One version of an item as kept by the store: its key, the HLC timestamp of the write that produced it,
/// and its attributes — or null attributes for a tombstone (a delete).
/// </summary>
/// <param name="Key">Primary key.</param>
/// <param name="Timestamp">Write timestamp (last-writer-wins order).</param>
/// <param name="Attributes">The full item including key attributes, or null for a tombstone.</param>
public sealed record StoredItem(ItemKey Key, HlcTimestamp Timestamp, IReadOnlyDictionary<string, AttributeValue>? Attributes)
{
    /// <summary>Whether this version is a delete marker.</summary>
    public bool IsTombstone => Attributes is null;
}

/// <summary>How a write's precondition is expressed to the store (used to make read-evaluate-write safe where the store can).</summary>
public enum WriteGuardKind
{
    /// <summary>Unconditional write.</summary>
    None,

    /// <summary>Write only if no live item exists (absent or tombstone).</summary>
    IfAbsent,

    /// <summary>Write only if the live item's version timestamp equals <see cref="WriteGuard.ExpectedVersion"/>.</summary>
    IfVersion,
}

/// <summary>
/// Optional precondition of a put/delete: "the item is still what I read". A store that can check it atomically
/// (the in-memory store; a single coordinator with a per-key lock) makes conditional writes linearizable; a
/// replicated eventually consistent store checks it best-effort (see README).
/// </summary>
/// <param name="Kind">Guard kind.</param>
/// <param name="ExpectedVersion">Version read, for <see cref="WriteGuardKind.IfVersion"/>.</param>
public readonly record struct WriteGuard(WriteGuardKind Kind, HlcTimestamp ExpectedVersion)
{
    /// <summary>No precondition.</summary>
    public static WriteGuard None => default;

    /// <summary>Item must not exist.</summary>
    public static WriteGuard IfAbsent => new(WriteGuardKind.IfAbsent, default);

    /// <summary>Item must still be at <paramref name="version"/>.</summary>
    public static WriteGuard IfVersion(HlcTimestamp version) => new(WriteGuardKind.IfVersion, version);

    /// <summary>Guard matching what was read: absent/tombstone → IfAbsent, live → IfVersion.</summary>
    public static WriteGuard ForRead(StoredItem? read) =>
        read is null || read.IsTombstone ? IfAbsent : IfVersion(read.Timestamp);
}

/// <summary>
/// A sort-key range for <see cref="IItemStore.QueryAsync"/>, over encoded sort keys (ordinal order).
/// All bounds optional; <see cref="Prefix"/> (for begins_with) restricts to keys starting with it.
/// </summary>
/// <param name="Lower">Lower bound, or null.</param>
/// <param name="LowerInclusive">Whether the lower bound is included.</param>
/// <param name="Upper">Upper bound, or null.</param>
/// <param name="UpperInclusive">Whether the upper bound is included.</param>
/// <param name="Prefix">Required prefix, or null.</param>
public sealed record SortKeyRange(string? Lower, bool LowerInclusive, string? Upper, bool UpperInclusive, string? Prefix)
{
    /// <summary>The whole partition.</summary>
    public static SortKeyRange All { get; } = new(null, false, null, false, null);

    /// <summary>Whether <paramref name="sortKey"/> (encoded; null for hash-only tables) is inside the range.</summary>
    public bool Contains(string? sortKey)
    {
        if (sortKey is null)
        {
            return Lower is null && Upper is null && Prefix is null;
        }

        if (Lower is not null)
        {
            var c = string.CompareOrdinal(sortKey, Lower);
            if (c < 0 || (c == 0 && !LowerInclusive))
            {
                return false;
            }
        }

        if (Upper is not null)
        {
            var c = string.CompareOrdinal(sortKey, Upper);
            if (c > 0 || (c == 0 && !UpperInclusive))
            {
                return false;
            }
        }

        return Prefix is null || sortKey.StartsWith(Prefix, StringComparison.Ordinal);
    }
}

/// <summary>A page of live items (never tombstones) and whether more items follow the last one.</summary>
/// <param name="Items">Items in store order.</param>
/// <param name="HasMore">True if at least one more live item exists after the last returned one.</param>
public sealed record ItemPage(IReadOnlyList<StoredItem> Items, bool HasMore);

/// <summary>A page of table names in ascending ordinal order.</summary>
/// <param name="TableNames">Names.</param>
/// <param name="HasMore">True if more names follow.</param>
public sealed record TableNamePage(IReadOnlyList<string> TableNames, bool HasMore);

/// <summary>Kinds of store failure, which decide the API error.</summary>
public enum ItemStoreErrorKind
{
    /// <summary>The table does not exist (any more) → ResourceNotFoundException.</summary>
    TableNotFound,

    /// <summary>Not enough replicas answered (read or write quorum not met) → 503, or UnprocessedItems/Keys in batches.</summary>
    QuorumNotReached,

    /// <summary>The store cannot serve now (overload, no coordinator, timeout) → 503, or UnprocessedItems/Keys in batches.</summary>
    Unavailable,

    /// <summary>A bug or corrupt data → 500 InternalServerError.</summary>
    Internal,
}

/// <summary>A failure reported by an <see cref="IItemStore"/>.</summary>
public sealed class ItemStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ItemStoreException(ItemStoreErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    /// <summary>Creates an <see cref="ItemStoreErrorKind.Internal"/> exception.</summary>
    public ItemStoreException()
        : this(ItemStoreErrorKind.Internal, "Item store failure.")
    {
    }

    /// <summary>Creates an <see cref="ItemStoreErrorKind.Internal"/> exception.</summary>
    public ItemStoreException(string message)
        : this(ItemStoreErrorKind.Internal, message)
    {
    }

    /// <summary>Creates an <see cref="ItemStoreErrorKind.Internal"/> exception.</summary>
    public ItemStoreException(string message, Exception innerException)
        : this(ItemStoreErrorKind.Internal, message, innerException)
    {
    }

    /// <summary>What went wrong.</summary>
    public ItemStoreErrorKind Kind { get; }

    /// <summary>Whether a retry may succeed (quorum/unavailable).</summary>
    public bool IsTransient => Kind is ItemStoreErrorKind.QuorumNotReached or ItemStoreErrorKind.Unavailable;
}
