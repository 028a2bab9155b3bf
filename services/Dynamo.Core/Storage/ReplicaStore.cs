using System.Text;
using Dynamo.Core.Hashing;
using Dynamo.Core.Versioning;

namespace Dynamo.Core.Storage;

/// <summary>
/// Typed access to a node's <see cref="IStorageEngine"/>: per key the stored DVVSet, iteration by
/// partition and by Merkle bucket, hinted replicas kept apart from the node's own replicas, node
/// metadata, and atomic multi-key batches.
/// </summary>
public sealed class ReplicaStore
{
    private const byte HintRecordVersion = 1;

    public ReplicaStore(IStorageEngine engine, int partitionCount)
    {
        Engine = engine;
        PartitionCount = partitionCount;
    }

    public IStorageEngine Engine { get; }

    public int PartitionCount { get; }

    public readonly record struct Item(StorageKeys.DataKey Key, byte[] RawKey, StoredObject Object);

    public readonly record struct HintItem(StorageKeys.HintKey Key, byte[] RawKey, byte[] RawValue, DottedVersionVectorSet Object);

    public byte[] KeyOf(string table, string key) => StorageKeys.Data(PartitionCount, table, key);

    public StoredObject? Get(string table, string key) => Get(KeyOf(table, key));

    public StoredObject? Get(byte[] rawKey)
    {
        var record = Engine.Get(StoreSpace.Data, rawKey);
        return record is null ? null : StoredObject.FromRecord(record);
    }

    public void Put(string table, string key, StoredObject obj) =>
        Engine.Write(new StorageBatch().Put(StoreSpace.Data, KeyOf(table, key), obj.ToRecord()));

    public void Write(StorageBatch batch)
    {
        Engine.Write(batch);
        foreach (var op in batch.Operations)
        {
            if (op.Space == StoreSpace.Hints && !op.IsDelete)
            {
                _hintsMayExist = true;
            }
        }
    }

    /// <summary>A page of a partition's keys in key order, starting after <paramref name="after"/> (null: from the start).</summary>
    public List<Item> ScanPartition(int partition, byte[]? after, int limit) =>
        ScanBuckets(partition, 0, 1 << StorageKeys.BucketBits, after, limit);

    /// <summary>A page of the keys whose bucket lies in [<paramref name="fromBucket"/>, <paramref name="toBucket"/>).</summary>
    public List<Item> ScanBuckets(int partition, int fromBucket, int toBucket, byte[]? after, int limit)
    {
        var from = after is null ? StorageKeys.BucketStart(partition, fromBucket) : StorageKeys.After(after);
        var to = StorageKeys.BucketEnd(partition, toBucket);
        var page = Engine.Scan(StoreSpace.Data, from, to, limit);
        var items = new List<Item>(page.Count);
        foreach (var kv in page)
        {
            items.Add(new Item(StorageKeys.ParseData(kv.Key), kv.Key, StoredObject.FromRecord(kv.Value)));
        }

        return items;
    }

    /// <summary>Raw records of a bucket range (key, record): for Merkle rebuilds that need only hashes.</summary>
    public IReadOnlyList<KeyValuePair<byte[], byte[]>> ScanRaw(int partition, int fromBucket, int toBucket, byte[]? after, int limit)
    {
        var from = after is null ? StorageKeys.BucketStart(partition, fromBucket) : StorageKeys.After(after);
        return Engine.Scan(StoreSpace.Data, from, StorageKeys.BucketEnd(partition, toBucket), limit);
    }

    // ---- hinted replicas (paper §4.6) ----

    // False only once a scan has seen the hint space empty; every hint written sets it again. While it is
    // false (no node is down, the usual case) a read skips the hint scan, which costs an iterator per key.
    private bool? _hintsMayExist;

    private bool HintsMayExist => _hintsMayExist ??= Engine.Scan(StoreSpace.Hints, [], [], 1).Count > 0;

    public static byte[] HintRecord(DottedVersionVectorSet set)
    {
        var encoded = ObjectCodec.Encode(set);
        var record = new byte[encoded.Length + 1];
        record[0] = HintRecordVersion;
        encoded.CopyTo(record, 1);
        return record;
    }

    public static DottedVersionVectorSet FromHintRecord(ReadOnlySpan<byte> record)
    {
        if (record.Length < 1 || record[0] != HintRecordVersion)
        {
            throw new FormatException("Unknown hint record version.");
        }

        return ObjectCodec.Decode(record[1..]);
    }

    public byte[] HintKeyOf(string table, string key, NodeId owner)
    {
        var h = KeyHash.Compute(table, key);
        return StorageKeys.Hint(h.Partition(PartitionCount), h.Bucket(StorageKeys.BucketBits), table, key, owner);
    }

    /// <summary>Every hint held for one key, whatever owner it is meant for.</summary>
    public List<HintItem> HintsFor(string table, string key)
    {
        if (!HintsMayExist)
        {
            return [];
        }

        var h = KeyHash.Compute(table, key);
        var prefix = StorageKeys.HintKeyPrefix(h.Partition(PartitionCount), h.Bucket(StorageKeys.BucketBits), table, key);
        var end = PrefixEnd(prefix);
        return ToHints(Engine.Scan(StoreSpace.Hints, prefix, end, int.MaxValue));
    }

    /// <summary>A page of all hints, in key order, starting after <paramref name="after"/>.</summary>
    public List<HintItem> ScanHints(byte[]? after, int limit)
    {
        if (!HintsMayExist)
        {
            return [];
        }

        var page = ToHints(Engine.Scan(StoreSpace.Hints, after is null ? [] : StorageKeys.After(after), [], limit));
        if (after is null && page.Count == 0)
        {
            _hintsMayExist = false;
        }

        return page;
    }

    public bool HasHints
    {
        get
        {
            if (!HintsMayExist)
            {
                return false;
            }

            bool any = Engine.Scan(StoreSpace.Hints, [], [], 1).Count > 0;
            _hintsMayExist = any;
            return any;
        }
    }

    private static List<HintItem> ToHints(IReadOnlyList<KeyValuePair<byte[], byte[]>> page)
    {
        var list = new List<HintItem>(page.Count);
        foreach (var kv in page)
        {
            list.Add(new HintItem(StorageKeys.ParseHint(kv.Key), kv.Key, kv.Value, FromHintRecord(kv.Value)));
        }

        return list;
    }

    // ---- node metadata ----

    public byte[]? GetMeta(string name) => Engine.Get(StoreSpace.Meta, Encoding.UTF8.GetBytes(name));

    public void PutMeta(string name, byte[] value) =>
        Engine.Write(new StorageBatch().Put(StoreSpace.Meta, Encoding.UTF8.GetBytes(name), value));

    private static byte[] PrefixEnd(byte[] prefix)
    {
        var end = (byte[])prefix.Clone();
        for (int i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] != 0xFF)
            {
                end[i]++;
                return end[..(i + 1)];
            }
        }

        return [];
    }
}
