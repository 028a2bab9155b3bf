using Dynamo.DynamoDb.Model;
using Dynamo.DynamoDb.Storage;

namespace Dynamo.DynamoDb.Tests.Infrastructure;

/// <summary>
/// The cluster store with the in-memory store's failure hook, so tests of UnprocessedItems/Keys can make
/// chosen calls fail with a quorum error, as a real quorum failure would surface.
/// </summary>
public sealed class FaultInjectingItemStore(IItemStore inner) : IItemStore
{
    public Action<string, string, ItemKey?>? FailureInjector { get; set; }

    public ValueTask<bool> CreateTableAsync(TableDescriptor table, CancellationToken cancellationToken = default) => inner.CreateTableAsync(table, cancellationToken);

    public ValueTask<TableDescriptor?> GetTableAsync(string tableName, CancellationToken cancellationToken = default) => inner.GetTableAsync(tableName, cancellationToken);

    public ValueTask<bool> UpdateTableAsync(TableDescriptor table, CancellationToken cancellationToken = default) => inner.UpdateTableAsync(table, cancellationToken);

    public ValueTask<TableDescriptor?> DeleteTableAsync(string tableName, CancellationToken cancellationToken = default) => inner.DeleteTableAsync(tableName, cancellationToken);

    public ValueTask<TableNamePage> ListTablesAsync(string? exclusiveStartTableName, int limit, CancellationToken cancellationToken = default) => inner.ListTablesAsync(exclusiveStartTableName, limit, cancellationToken);

    public ValueTask<StoredItem?> GetItemAsync(string tableName, ItemKey key, bool consistent, CancellationToken cancellationToken = default)
    {
        FailureInjector?.Invoke("Get", tableName, key);
        return inner.GetItemAsync(tableName, key, consistent, cancellationToken);
    }

    public ValueTask<bool> PutItemAsync(string tableName, StoredItem item, WriteGuard guard, CancellationToken cancellationToken = default)
    {
        FailureInjector?.Invoke("Put", tableName, item.Key);
        return inner.PutItemAsync(tableName, item, guard, cancellationToken);
    }

    public ValueTask<bool> DeleteItemAsync(string tableName, ItemKey key, HlcTimestamp timestamp, WriteGuard guard, CancellationToken cancellationToken = default)
    {
        FailureInjector?.Invoke("Delete", tableName, key);
        return inner.DeleteItemAsync(tableName, key, timestamp, guard, cancellationToken);
    }

    public ValueTask<ItemPage> QueryAsync(string tableName, string partitionKey, SortKeyRange range, bool forward, string? exclusiveStartSortKey, int limit, bool consistent, CancellationToken cancellationToken = default)
    {
        FailureInjector?.Invoke("Query", tableName, null);
        return inner.QueryAsync(tableName, partitionKey, range, forward, exclusiveStartSortKey, limit, consistent, cancellationToken);
    }

    public ValueTask<ItemPage> ScanAsync(string tableName, int segment, int totalSegments, ItemKey? exclusiveStartKey, int limit, bool consistent, CancellationToken cancellationToken = default)
    {
        FailureInjector?.Invoke("Scan", tableName, exclusiveStartKey);
        return inner.ScanAsync(tableName, segment, totalSegments, exclusiveStartKey, limit, consistent, cancellationToken);
    }
}
