using RocksDbSharp;

namespace Dynamo.Core.Storage;

/// <summary>
/// RocksDB, the default engine of a storage node: one column family per <see cref="StoreSpace"/>, WAL
/// always on, writes batched atomically. The on-disk layout carries a format version in the meta space;
/// an unknown version refuses to open rather than misread data.
/// </summary>
public sealed class RocksDbStorageEngine : IStorageEngine
{
    public const int FormatVersion = 1;
    private static readonly byte[] FormatKey = "format"u8.ToArray();
    private static readonly string[] FamilyNames = ["data", "hints", "meta"];

    private readonly RocksDb _db;
    private readonly ColumnFamilyHandle[] _families;
    private readonly WriteOptions _writeOptions;
    private readonly FsyncPolicy _fsync;
    private readonly DbOptions _options;
    private int _disposed;

    public RocksDbStorageEngine(string directory, FsyncPolicy fsync = FsyncPolicy.GroupCommit, long blockCacheBytes = 32 << 20)
    {
        Directory.CreateDirectory(directory);
        _fsync = fsync;
        _options = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            .SetMaxBackgroundCompactions(1)
            .SetMaxBackgroundFlushes(1);
        var table = new BlockBasedTableOptions()
            .SetBlockCache(Cache.CreateLru((ulong)blockCacheBytes))
            .SetFilterPolicy(BloomFilterPolicy.Create(10, false))
            .SetCacheIndexAndFilterBlocks(true);
        var cf = new ColumnFamilyOptions()
            .SetBlockBasedTableFactory(table)
            .SetWriteBufferSize(16 << 20)
            .SetMaxWriteBufferNumber(2)
            .SetCompression(Compression.No);
        var families = new ColumnFamilies(cf);
        foreach (var name in FamilyNames)
        {
            families.Add(name, cf);
        }

        _db = RocksDb.Open(_options, directory, families);
        _families = [.. FamilyNames.Select(n => _db.GetColumnFamily(n))];
        _writeOptions = new WriteOptions().SetSync(fsync == FsyncPolicy.Always);
        CheckFormat();
    }

    public string Name => "rocksdb";

    public bool NeedsWalSync => _fsync == FsyncPolicy.GroupCommit;

    public long ApproximateBytes
    {
        get
        {
            long total = 0;
            foreach (var f in _families)
            {
                if (long.TryParse(_db.GetProperty("rocksdb.estimate-live-data-size", f), out long live))
                {
                    total += live;
                }

                if (long.TryParse(_db.GetProperty("rocksdb.cur-size-all-mem-tables", f), out long mem))
                {
                    total += mem;
                }
            }

            return total;
        }
    }

    public byte[]? Get(StoreSpace space, ReadOnlySpan<byte> key) => _db.Get(key, _families[(int)space]);

    public void Write(StorageBatch batch)
    {
        using var wb = new WriteBatch();
        foreach (var op in batch.Operations)
        {
            if (op.Value is null)
            {
                wb.Delete(op.Key, _families[(int)op.Space]);
            }
            else
            {
                wb.Put(op.Key, op.Value, _families[(int)op.Space]);
            }
        }

        _db.Write(wb, _writeOptions);
    }

    public IReadOnlyList<KeyValuePair<byte[], byte[]>> Scan(StoreSpace space, ReadOnlySpan<byte> fromInclusive, ReadOnlySpan<byte> toExclusive, int limit, bool reverse = false)
    {
        var result = new List<KeyValuePair<byte[], byte[]>>();
        var readOptions = new ReadOptions();
        if (toExclusive.Length > 0)
        {
            readOptions.SetIterateUpperBound(toExclusive.ToArray());
        }

        if (fromInclusive.Length > 0)
        {
            readOptions.SetIterateLowerBound(fromInclusive.ToArray());
        }

        using var it = _db.NewIterator(_families[(int)space], readOptions);
        if (reverse)
        {
            it.SeekToLast();
        }
        else
        {
            it.Seek(fromInclusive);
        }

        while (it.Valid() && result.Count < limit)
        {
            result.Add(new(it.Key(), it.Value()));
            if (reverse)
            {
                it.Prev();
            }
            else
            {
                it.Next();
            }
        }

        return result;
    }

    public void SyncWal()
    {
        if (_fsync != FsyncPolicy.None)
        {
            Native.Instance.rocksdb_flush_wal(_db.Handle, 1);
        }
    }

    private void CheckFormat()
    {
        var stored = Get(StoreSpace.Meta, FormatKey);
        if (stored is null)
        {
            Write(new StorageBatch().Put(StoreSpace.Meta, FormatKey, BitConverter.GetBytes(FormatVersion)));
            return;
        }

        int version = stored.Length == 4 ? BitConverter.ToInt32(stored) : -1;
        if (version != FormatVersion)
        {
            _db.Dispose();
            throw new InvalidDataException($"The data directory holds format version {version}; this build reads version {FormatVersion}.");
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            try
            {
                Native.Instance.rocksdb_flush_wal(_db.Handle, 1);
            }
            finally
            {
                _db.Dispose();
            }
        }
    }
}
