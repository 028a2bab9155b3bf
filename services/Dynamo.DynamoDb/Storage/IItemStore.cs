using Dynamo.DynamoDb.Model;

namespace Dynamo.DynamoDb.Storage;

/// <summary>
/// What the DynamoDB API layer needs from a storage backend: a table catalog and, per table, items addressed
/// by (partition key, sort key) in <see cref="SortKeyCodec"/> form, each a last-writer-wins register ordered by
/// its <see cref="HlcTimestamp"/>.
/// <para>
/// Contract for implementations (the Dynamo cluster store and <see cref="InMemoryItemStore"/>):
/// </para>
/// <list type="bullet">
/// <item>Writes carry the timestamp chosen by the API layer; a write whose timestamp is lower than the stored
/// version's is ignored (it lost LWW) but still reported as applied. Equal timestamps: the implementation picks a
/// deterministic winner.</item>
/// <item>Deletes write tombstones so that a late, older put cannot resurrect an item; reads of single items may
/// return the tombstone (so the caller can observe its timestamp), range reads never do.</item>
/// <item><paramref name="consistent"/> = true means a strongly consistent read (the cluster serves it with
/// R = N - W + 1 so it intersects every write quorum); false allows any replica's possibly stale answer.</item>
/// <item>Failures are reported as <see cref="ItemStoreException"/> with a kind that decides the API error.</item>
/// <item>All methods are thread-safe.</item>
/// </list>
/// </summary>
public interface IItemStore
{
    /// <summary>Adds a table to the catalog. Returns false if a table with that name exists.</summary>
    ValueTask<bool> CreateTableAsync(TableDescriptor table, CancellationToken cancellationToken = default);

    /// <summary>Returns the table's descriptor, or null if it does not exist.</summary>
    ValueTask<TableDescriptor?> GetTableAsync(string tableName, CancellationToken cancellationToken = default);

    /// <summary>Replaces a table's descriptor (same name). Returns false if the table does not exist.</summary>
    ValueTask<bool> UpdateTableAsync(TableDescriptor table, CancellationToken cancellationToken = default);

    /// <summary>Removes a table and all its items. Returns the removed descriptor, or null if it did not exist.</summary>
    ValueTask<TableDescriptor?> DeleteTableAsync(string tableName, CancellationToken cancellationToken = default);

    /// <summary>Table names in ascending ordinal order, starting after <paramref name="exclusiveStartTableName"/>, at most <paramref name="limit"/>.</summary>
    ValueTask<TableNamePage> ListTablesAsync(string? exclusiveStartTableName, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads one item: the newest version known (possibly a tombstone), or null if nothing is known.
    /// </summary>
    ValueTask<StoredItem?> GetItemAsync(string tableName, ItemKey key, bool consistent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a full item version (<paramref name="item"/>.Attributes non-null) with its timestamp.
    /// Returns false only if <paramref name="guard"/> did not hold (nothing written).
    /// </summary>
    ValueTask<bool> PutItemAsync(string tableName, StoredItem item, WriteGuard guard, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes an item by writing a tombstone at <paramref name="timestamp"/>.
    /// Returns false only if <paramref name="guard"/> did not hold (nothing written).
    /// </summary>
    ValueTask<bool> DeleteItemAsync(string tableName, ItemKey key, HlcTimestamp timestamp, WriteGuard guard, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads live items of one partition whose sort key is in <paramref name="range"/>, in sort-key order
    /// (descending if not <paramref name="forward"/>), starting strictly after <paramref name="exclusiveStartSortKey"/>
    /// (in the direction of travel), at most <paramref name="limit"/> items.
    /// </summary>
    ValueTask<ItemPage> QueryAsync(
        string tableName,
        string partitionKey,
        SortKeyRange range,
        bool forward,
        string? exclusiveStartSortKey,
        int limit,
        bool consistent,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads live items of segment <paramref name="segment"/> of <paramref name="totalSegments"/> (a partition of the
    /// table by partition key: every item is in exactly one segment for a given total, and all items of a partition
    /// key are in the same segment), in an order defined by the store that is stable while the data does not change,
    /// starting strictly after <paramref name="exclusiveStartKey"/> (a key of that segment), at most <paramref name="limit"/> items.
    /// </summary>
    ValueTask<ItemPage> ScanAsync(
        string tableName,
        int segment,
        int totalSegments,
        ItemKey? exclusiveStartKey,
        int limit,
        bool consistent,
        CancellationToken cancellationToken = default);
}
