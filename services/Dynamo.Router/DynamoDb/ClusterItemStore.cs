using Dynamo.Client;
using Dynamo.Core.Storage;
using Dynamo.DynamoDb.Model;
using Dynamo.DynamoDb.Storage;

namespace Dynamo.Router.DynamoDb;

/// <summary>
/// The DynamoDB API's <see cref="IItemStore"/> over the Dynamo cluster (issue: "Mapping onto Dynamo").
/// An item is one key of an internal compound table, "partition key NUL sort key" (both in
/// <see cref="SortKeyCodec"/> form): only the partition key is hashed, so all items of a partition key
/// share a preference list and lie next to each other in the storage engine, in sort-key order, which is
/// what Query reads. The value is the item's <see cref="ItemCodec"/> form with its HLC timestamp;
/// concurrent versions (siblings) are reconciled by last-writer-wins on that timestamp, as DynamoDB
/// global tables do. Writes read first and write with the read's context, so versions do not pile up.
/// Consistent reads use R = N - W + 1 (every read quorum meets every write quorum); others the table's R.
/// </summary>
/// <param name="client">The partition-aware client the router (or a test) talks to the cluster with.</param>
/// <param name="catalogNamespace">Separate sets of tables in one cluster (one per tenant, or per test); default: one shared set.</param>
public sealed class ClusterItemStore(PartitionAwareClient client, string catalogNamespace = "") : IItemStore
{
    private const string CatalogTable = "$ddb-catalog";
    private readonly string _catalogKey = "tables/" + catalogNamespace;
    private const int N = 3;
    private const int R = 2;
    private const int W = 2;
    private const int ConsistentR = N - W + 1;

    // Internal tables are created on first use by this process; afterwards gossip keeps them known.
    private readonly HashSet<string> _known = [];
    private readonly SemaphoreSlim _catalogGate = new(1, 1);

    // Item operations need the table's generation; a catalog read younger than this is reused. Changes
    // made through this router refresh it at once; other routers' changes show within the window.
    private static readonly TimeSpan CatalogTtl = TimeSpan.FromSeconds(2);
    private (TableCatalog Catalog, DateTime At)? _cached;

    public async ValueTask<bool> CreateTableAsync(TableDescriptor table, CancellationToken cancellationToken = default)
    {
        string generation = Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()))[..12];
        bool created = false;
        string? itemTable = null;
        await UpdateCatalogAsync(catalog =>
        {
            if (catalog.Live(table.Name) is not null)
            {
                return null;
            }

            var entry = new TableCatalog.Entry(table, generation, Next(catalog).WallMs, Next(catalog).Logical);
            itemTable = entry.ItemTable;
            created = true;
            catalog.Tables[table.Name] = entry;
            return catalog;
        }, cancellationToken);
        if (created)
        {
            await EnsureTableAsync(itemTable!, cancellationToken);
        }

        return created;
    }

    public async ValueTask<TableDescriptor?> GetTableAsync(string tableName, CancellationToken cancellationToken = default) =>
        (await ReadCatalogAsync(cancellationToken)).Catalog.Live(tableName);

    public async ValueTask<bool> UpdateTableAsync(TableDescriptor table, CancellationToken cancellationToken = default)
    {
        bool updated = false;
        await UpdateCatalogAsync(catalog =>
        {
            if (!catalog.Tables.TryGetValue(table.Name, out var entry) || entry.Deleted)
            {
                return null;
            }

            var ts = Next(catalog);
            catalog.Tables[table.Name] = entry with { Descriptor = table, WallMs = ts.WallMs, Logical = ts.Logical };
            updated = true;
            return catalog;
        }, cancellationToken);
        return updated;
    }

    /// <summary>Removes the table from the catalog; its items become unreachable (their storage is not reclaimed).</summary>
    public async ValueTask<TableDescriptor?> DeleteTableAsync(string tableName, CancellationToken cancellationToken = default)
    {
        TableDescriptor? removed = null;
        await UpdateCatalogAsync(catalog =>
        {
            if (!catalog.Tables.TryGetValue(tableName, out var entry) || entry.Deleted)
            {
                return null;
            }

            removed = entry.Descriptor;
            var ts = Next(catalog);
            catalog.Tables[tableName] = entry with { Descriptor = null, WallMs = ts.WallMs, Logical = ts.Logical };
            return catalog;
        }, cancellationToken);
        return removed;
    }

    public async ValueTask<TableNamePage> ListTablesAsync(string? exclusiveStartTableName, int limit, CancellationToken cancellationToken = default)
    {
        var names = (await ReadCatalogAsync(cancellationToken)).Catalog.Tables
            .Where(kv => !kv.Value.Deleted && (exclusiveStartTableName is null || string.CompareOrdinal(kv.Key, exclusiveStartTableName) > 0))
            .Select(kv => kv.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        return new TableNamePage([.. names.Take(limit)], names.Count > limit);
    }

    public async ValueTask<StoredItem?> GetItemAsync(string tableName, ItemKey key, bool consistent, CancellationToken cancellationToken = default)
    {
        var table = await ItemTableAsync(tableName, cancellationToken);
        var read = await Call(() => client.GetAsync(table, KeyOf(key), consistent ? ConsistentR : R, cancellationToken));
        return Latest(read.Siblings);
    }

    public async ValueTask<bool> PutItemAsync(string tableName, StoredItem item, WriteGuard guard, CancellationToken cancellationToken = default) =>
        await WriteAsync(tableName, item, guard, cancellationToken);

    public async ValueTask<bool> DeleteItemAsync(string tableName, ItemKey key, HlcTimestamp timestamp, WriteGuard guard, CancellationToken cancellationToken = default) =>
        await WriteAsync(tableName, new StoredItem(key, timestamp, null), guard, cancellationToken);

    private async Task<bool> WriteAsync(string tableName, StoredItem item, WriteGuard guard, CancellationToken cancellationToken)
    {
        var table = await ItemTableAsync(tableName, cancellationToken);
        string key = KeyOf(item.Key);
        var read = await Call(() => client.GetAsync(table, key, ConsistentR, cancellationToken));
        var current = Latest(read.Siblings);
        bool holds = guard.Kind switch
        {
            WriteGuardKind.IfAbsent => current is null || current.IsTombstone,
            WriteGuardKind.IfVersion => current is { IsTombstone: false } && current.Timestamp == guard.ExpectedVersion,
            _ => true,
        };
        if (!holds)
        {
            return false;
        }

        // Last writer wins: a write older than what is stored has lost already (and is reported applied).
        if (current is not null && item.Timestamp < current.Timestamp)
        {
            return true;
        }

        await Call(() => client.PutAsync(table, key, ItemCodec.Encode(item), "application/x-dynamodb-item", read.Context, W, cancellationToken));
        return true;
    }

    public async ValueTask<ItemPage> QueryAsync(string tableName, string partitionKey, SortKeyRange range, bool forward, string? exclusiveStartSortKey, int limit, bool consistent, CancellationToken cancellationToken = default)
    {
        var table = await ItemTableAsync(tableName, cancellationToken);
        string? lower = range.Lower is null ? null : range.LowerInclusive ? range.Lower : range.Lower + "\0";
        string? upper = range.Upper is null ? null : range.UpperInclusive ? range.Upper + "\0" : range.Upper;
        if (range.Prefix is { Length: > 0 } prefix)
        {
            lower = Max(lower, prefix);
            upper = Min(upper, prefix[..^1] + (char)(prefix[^1] + 1));
        }

        if (exclusiveStartSortKey is not null)
        {
            if (forward)
            {
                lower = Max(lower, exclusiveStartSortKey + "\0");
            }
            else
            {
                upper = Min(upper, exclusiveStartSortKey);
            }
        }

        if (lower is not null && upper is not null && string.CompareOrdinal(lower, upper) >= 0)
        {
            return new ItemPage([], false);
        }

        var (partition, from, to) = StorageKeys.CompoundRange(client.PartitionCount, table, partitionKey, lower, upper);
        return await CollectAsync(table, partition, from, to, !forward, limit, consistent, cancellationToken);
    }

    public async ValueTask<ItemPage> ScanAsync(string tableName, int segment, int totalSegments, ItemKey? exclusiveStartKey, int limit, bool consistent, CancellationToken cancellationToken = default)
    {
        var table = await ItemTableAsync(tableName, cancellationToken);
        int q = client.PartitionCount;
        int first = segment;
        byte[]? from = null;
        if (exclusiveStartKey is { } start)
        {
            var raw = StorageKeys.Data(q, table, KeyOf(start));
            first = StorageKeys.ParseData(raw).Partition;
            from = StorageKeys.After(raw);
        }

        var items = new List<StoredItem>();
        for (int p = first; p < q; p += totalSegments)
        {
            if (p % totalSegments != segment)
            {
                continue;
            }

            var page = await CollectAsync(table, p, p == first ? from : null, null, false, limit - items.Count, consistent, cancellationToken);
            items.AddRange(page.Items);
            if (items.Count >= limit)
            {
                return new ItemPage(items, page.HasMore || Enumerable.Range(p + 1, q - p - 1).Any(x => x % totalSegments == segment));
            }
        }

        return new ItemPage(items, false);
    }

    // Reads pages of one partition until `limit` live items are found or the range ends.
    private async Task<ItemPage> CollectAsync(string table, int partition, byte[]? from, byte[]? to, bool reverse, int limit, bool consistent, CancellationToken cancellationToken)
    {
        var items = new List<StoredItem>();
        while (items.Count < limit)
        {
            var page = await Call(() => client.RangeAsync(table, partition, from, to, reverse, Math.Min(1_000, limit - items.Count + 8), consistent ? ConsistentR : R, cancellationToken));
            foreach (var entry in page.Items)
            {
                if (Latest(entry.Siblings) is { IsTombstone: false } item)
                {
                    items.Add(item);
                    if (items.Count == limit)
                    {
                        bool more = page.HasMore || !ReferenceEquals(entry, page.Items[^1]);
                        return new ItemPage(items, more);
                    }
                }
            }

            if (!page.HasMore || page.Next is null)
            {
                return new ItemPage(items, false);
            }

            if (reverse)
            {
                to = page.Next;
            }
            else
            {
                from = StorageKeys.After(page.Next);
            }
        }

        return new ItemPage(items, false);
    }

    private static string KeyOf(ItemKey key) => key.PartitionKey + "\0" + (key.SortKey ?? "");

    /// <summary>Last writer wins among concurrent versions; equal timestamps fall back to the bytes, the same choice everywhere.</summary>
    internal static StoredItem? Latest(IReadOnlyList<VersionedValue> siblings)
    {
        StoredItem? best = null;
        byte[]? bestBytes = null;
        foreach (var s in siblings)
        {
            StoredItem item;
            try
            {
                item = ItemCodec.Decode(s.Value);
            }
            catch (Exception ex) when (ex is FormatException or InvalidDataException or ArgumentException)
            {
                throw new ItemStoreException(ItemStoreErrorKind.Internal, "A stored item does not decode: " + ex.Message, ex);
            }

            int c = best is null ? 1 : item.Timestamp.CompareTo(best.Timestamp);
            if (c > 0 || (c == 0 && s.Value.AsSpan().SequenceCompareTo(bestBytes) > 0))
            {
                best = item;
                bestBytes = s.Value;
            }
        }

        return best;
    }

    private async Task<string> ItemTableAsync(string tableName, CancellationToken cancellationToken)
    {
        var catalog = _cached is { } c && DateTime.UtcNow - c.At < CatalogTtl ? c.Catalog : (await ReadCatalogAsync(cancellationToken)).Catalog;
        if (!catalog.Tables.TryGetValue(tableName, out var entry) || entry.Deleted)
        {
            throw new ItemStoreException(ItemStoreErrorKind.TableNotFound, $"Table {tableName} not found.");
        }

        await EnsureTableAsync(entry.ItemTable, cancellationToken);
        return entry.ItemTable;
    }

    private async Task EnsureTableAsync(string table, CancellationToken cancellationToken)
    {
        lock (_known)
        {
            if (_known.Contains(table) || client.View.Table(table) is not null)
            {
                _known.Add(table);
                return;
            }
        }

        await Call(() => client.PutTableAsync(table, N, R, W, cancellationToken));
        lock (_known)
        {
            _known.Add(table);
        }
    }

    private async Task<(TableCatalog Catalog, string? Context)> ReadCatalogAsync(CancellationToken cancellationToken)
    {
        await EnsureTableAsync(CatalogTable, cancellationToken);
        var read = await Call(() => client.GetAsync(CatalogTable, _catalogKey, ConsistentR, cancellationToken));
        var versions = read.Siblings.Select(s => TableCatalog.Decode(s.Value)).ToList();
        var catalog = versions.Count == 0 ? TableCatalog.Empty : TableCatalog.Merge(versions);
        _cached = (catalog, DateTime.UtcNow);
        return (catalog, read.Context);
    }

    // Read-modify-write of the catalog with its context; concurrent writers from other routers merge.
    private async Task UpdateCatalogAsync(Func<TableCatalog, TableCatalog?> change, CancellationToken cancellationToken)
    {
        await _catalogGate.WaitAsync(cancellationToken);
        try
        {
            var (catalog, context) = await ReadCatalogAsync(cancellationToken);
            if (change(catalog) is { } updated)
            {
                await Call(() => client.PutAsync(CatalogTable, _catalogKey, updated.Encode(), "application/json", context, W, cancellationToken));
                _cached = (updated, DateTime.UtcNow);
            }
        }
        finally
        {
            _catalogGate.Release();
        }
    }

    private static HlcTimestamp Next(TableCatalog catalog)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var max = catalog.Tables.Values.Select(e => e.Timestamp).DefaultIfEmpty(HlcTimestamp.Zero).Max();
        return now > max.WallMs ? new HlcTimestamp(now, 0) : new HlcTimestamp(max.WallMs, max.Logical + 1);
    }

    private static string? Max(string? a, string? b) => a is null ? b : b is null ? a : string.CompareOrdinal(a, b) >= 0 ? a : b;

    private static string? Min(string? a, string? b) => a is null ? b : b is null ? a : string.CompareOrdinal(a, b) <= 0 ? a : b;

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (DynamoException ex) when (ex.Status == 503)
        {
            throw new ItemStoreException(ex.Title == "Quorum not met" ? ItemStoreErrorKind.QuorumNotReached : ItemStoreErrorKind.Unavailable, ex.Detail ?? ex.Title, ex);
        }
        catch (DynamoException ex) when (ex.Status == 404)
        {
            throw new ItemStoreException(ItemStoreErrorKind.Unavailable, "The cluster does not know this table yet; retry. " + ex.Detail, ex);
        }
    }
}
