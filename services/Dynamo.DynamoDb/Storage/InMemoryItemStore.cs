using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Dynamo.DynamoDb.Model;

namespace Dynamo.DynamoDb.Storage;

/// <summary>
/// A thread-safe, single-process <see cref="IItemStore"/> for tests and local development. Keeps every table in
/// memory with last-writer-wins versions and tombstones; guards are checked atomically (per table lock), so
/// conditional writes through it are linearizable. <see cref="FailureInjector"/> lets tests simulate
/// quorum/unavailable failures.
/// </summary>
public sealed class InMemoryItemStore : IItemStore
{
    private readonly Lock _catalogLock = new();
    private readonly SortedDictionary<string, TableData> _tables = new(StringComparer.Ordinal);

    /// <summary>
    /// Optional hook called before every item operation with (operation, table, key or null); an exception it throws
    /// (typically <see cref="ItemStoreException"/>) is thrown by the operation. Operations: "Get", "Put", "Delete", "Query", "Scan".
    /// </summary>
    public Action<string, string, ItemKey?>? FailureInjector { get; set; }

    /// <summary>Number of versions (live or tombstone) held for a table; for tests.</summary>
    public int VersionCount(string tableName)
    {
        var table = Find(tableName);
        if (table is null)
        {
            return 0;
        }

        lock (table.Lock)
        {
            return table.Partitions.Values.Sum(p => p.Items.Count);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> CreateTableAsync(TableDescriptor table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        lock (_catalogLock)
        {
            return ValueTask.FromResult(_tables.TryAdd(table.Name, new TableData(table)));
        }
    }

    /// <inheritdoc />
    public ValueTask<TableDescriptor?> GetTableAsync(string tableName, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Find(tableName)?.Descriptor);

    /// <inheritdoc />
    public ValueTask<bool> UpdateTableAsync(TableDescriptor table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        lock (_catalogLock)
        {
            if (!_tables.TryGetValue(table.Name, out var data))
            {
                return ValueTask.FromResult(false);
            }

            data.Descriptor = table;
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<TableDescriptor?> DeleteTableAsync(string tableName, CancellationToken cancellationToken = default)
    {
        lock (_catalogLock)
        {
            return _tables.Remove(tableName, out var data)
                ? ValueTask.FromResult<TableDescriptor?>(data.Descriptor)
                : ValueTask.FromResult<TableDescriptor?>(null);
        }
    }

    /// <inheritdoc />
    public ValueTask<TableNamePage> ListTablesAsync(string? exclusiveStartTableName, int limit, CancellationToken cancellationToken = default)
    {
        lock (_catalogLock)
        {
            var names = _tables.Keys
                .Where(n => exclusiveStartTableName is null || string.CompareOrdinal(n, exclusiveStartTableName) > 0)
                .Take(limit + 1)
                .ToList();
            var hasMore = names.Count > limit;
            if (hasMore)
            {
                names.RemoveAt(names.Count - 1);
            }

            return ValueTask.FromResult(new TableNamePage(names, hasMore));
        }
    }

    /// <inheritdoc />
    public ValueTask<StoredItem?> GetItemAsync(string tableName, ItemKey key, bool consistent, CancellationToken cancellationToken = default)
    {
        FailureInjector?.Invoke("Get", tableName, key);
        var table = Require(tableName);
        lock (table.Lock)
        {
            return ValueTask.FromResult(table.Get(key));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> PutItemAsync(string tableName, StoredItem item, WriteGuard guard, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Attributes is null)
        {
            throw new ArgumentException("Use DeleteItemAsync for tombstones.", nameof(item));
        }

        FailureInjector?.Invoke("Put", tableName, item.Key);
        var table = Require(tableName);
        lock (table.Lock)
        {
            return ValueTask.FromResult(table.Write(item, guard));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteItemAsync(string tableName, ItemKey key, HlcTimestamp timestamp, WriteGuard guard, CancellationToken cancellationToken = default)
    {
        FailureInjector?.Invoke("Delete", tableName, key);
        var table = Require(tableName);
        lock (table.Lock)
        {
            return ValueTask.FromResult(table.Write(new StoredItem(key, timestamp, null), guard));
        }
    }

    /// <inheritdoc />
    public ValueTask<ItemPage> QueryAsync(
        string tableName,
        string partitionKey,
        SortKeyRange range,
        bool forward,
        string? exclusiveStartSortKey,
        int limit,
        bool consistent,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        FailureInjector?.Invoke("Query", tableName, null);
        var table = Require(tableName);
        lock (table.Lock)
        {
            var result = new List<StoredItem>();
            if (!table.Partitions.TryGetValue(partitionKey, out var partition))
            {
                return ValueTask.FromResult(new ItemPage(result, false));
            }

            var items = partition.Items;
            var keys = items.Keys;
            int index;
            if (forward)
            {
                index = exclusiveStartSortKey is null ? 0 : UpperBound(keys, exclusiveStartSortKey);
            }
            else
            {
                index = exclusiveStartSortKey is null ? keys.Count - 1 : LowerBound(keys, exclusiveStartSortKey) - 1;
            }

            var hasMore = false;
            for (; index >= 0 && index < keys.Count; index += forward ? 1 : -1)
            {
                var stored = items.Values[index];
                if (stored.IsTombstone || !range.Contains(stored.Key.SortKey))
                {
                    continue;
                }

                if (result.Count == limit)
                {
                    hasMore = true;
                    break;
                }

                result.Add(stored);
            }

            return ValueTask.FromResult(new ItemPage(result, hasMore));
        }
    }

    /// <inheritdoc />
    public ValueTask<ItemPage> ScanAsync(
        string tableName,
        int segment,
        int totalSegments,
        ItemKey? exclusiveStartKey,
        int limit,
        bool consistent,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSegments, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(segment);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(segment, totalSegments);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        FailureInjector?.Invoke("Scan", tableName, exclusiveStartKey);
        var table = Require(tableName);
        lock (table.Lock)
        {
            // Scan order: (token(pk), pk, sk). Segment s covers tokens [s*2^64/T, (s+1)*2^64/T).
            var result = new List<StoredItem>();
            var hasMore = false;
            var startPosition = exclusiveStartKey is { } start ? new PartitionPosition(Token(start.PartitionKey), start.PartitionKey) : (PartitionPosition?)null;
            var lower = startPosition ?? new PartitionPosition(SegmentStart(segment, totalSegments), string.Empty);
            var upper = new PartitionPosition(ulong.MaxValue, "\uffff"); // encoded keys are ASCII, so this is above all of them
            var view = PartitionPositionComparer.Instance.Compare(lower, upper) <= 0 ? table.ScanOrder.GetViewBetween(lower, upper) : [];
            foreach (var position in view)
            {
                if (SegmentOf(position.Token, totalSegments) != segment)
                {
                    break; // ordered by token: past the end of this segment
                }

                var cmp = startPosition is { } sp ? PartitionPositionComparer.Instance.Compare(position, sp) : 1;

                var partition = table.Partitions[position.PartitionKey];
                var keys = partition.Items.Keys;
                var index = cmp == 0 ? UpperBound(keys, exclusiveStartKey!.Value.SortKey ?? string.Empty) : 0;
                for (; index < keys.Count; index++)
                {
                    var stored = partition.Items.Values[index];
                    if (stored.IsTombstone)
                    {
                        continue;
                    }

                    if (result.Count == limit)
                    {
                        hasMore = true;
                        break;
                    }

                    result.Add(stored);
                }

                if (hasMore)
                {
                    break;
                }
            }

            return ValueTask.FromResult(new ItemPage(result, hasMore));
        }
    }

    internal static ulong Token(string partitionKey)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(partitionKey), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }

    internal static int SegmentOf(ulong token, int totalSegments) =>
        (int)(((UInt128)token * (UInt128)(uint)totalSegments) >> 64);

    /// <summary>Smallest token of a segment: ceil(segment × 2^64 / totalSegments).</summary>
    internal static ulong SegmentStart(int segment, int totalSegments) =>
        (ulong)((((UInt128)(uint)segment << 64) + (UInt128)(uint)totalSegments - 1) / (uint)totalSegments);

    private static int LowerBound(IList<string> keys, string value)
    {
        int lo = 0, hi = keys.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(keys[mid], value) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static int UpperBound(IList<string> keys, string value)
    {
        int lo = 0, hi = keys.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(keys[mid], value) <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private TableData? Find(string tableName)
    {
        lock (_catalogLock)
        {
            return _tables.GetValueOrDefault(tableName);
        }
    }

    private TableData Require(string tableName) =>
        Find(tableName) ?? throw new ItemStoreException(ItemStoreErrorKind.TableNotFound, $"Table {tableName} does not exist.");

    private readonly record struct PartitionPosition(ulong Token, string PartitionKey);

    private sealed class PartitionPositionComparer : IComparer<PartitionPosition>
    {
        public static PartitionPositionComparer Instance { get; } = new();

        public int Compare(PartitionPosition x, PartitionPosition y)
        {
            var c = x.Token.CompareTo(y.Token);
            return c != 0 ? c : string.CompareOrdinal(x.PartitionKey, y.PartitionKey);
        }
    }

    private sealed class Partition
    {
        public SortedList<string, StoredItem> Items { get; } = new(StringComparer.Ordinal);
    }

    private sealed class TableData(TableDescriptor descriptor)
    {
        public Lock Lock { get; } = new();

        public TableDescriptor Descriptor { get; set; } = descriptor;

        public Dictionary<string, Partition> Partitions { get; } = new(StringComparer.Ordinal);

        public SortedSet<PartitionPosition> ScanOrder { get; } = new(PartitionPositionComparer.Instance);

        public StoredItem? Get(ItemKey key) =>
            Partitions.TryGetValue(key.PartitionKey, out var p) && p.Items.TryGetValue(key.SortKey ?? string.Empty, out var item)
                ? item
                : null;

        public bool Write(StoredItem item, WriteGuard guard)
        {
            var current = Get(item.Key);
            switch (guard.Kind)
            {
                case WriteGuardKind.IfAbsent when current is { IsTombstone: false }:
                    return false;
                case WriteGuardKind.IfVersion when current is null || current.IsTombstone || current.Timestamp != guard.ExpectedVersion:
                    return false;
                default:
                    break;
            }

            if (current is not null && current.Timestamp > item.Timestamp)
            {
                return true; // Lost last-writer-wins: an applied no-op.
            }

            if (!Partitions.TryGetValue(item.Key.PartitionKey, out var partition))
            {
                partition = new Partition();
                Partitions.Add(item.Key.PartitionKey, partition);
                ScanOrder.Add(new PartitionPosition(Token(item.Key.PartitionKey), item.Key.PartitionKey));
            }

            partition.Items[item.Key.SortKey ?? string.Empty] = item;
            return true;
        }
    }
}
