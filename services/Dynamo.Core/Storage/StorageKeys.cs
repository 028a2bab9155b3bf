using System.Buffers.Binary;
using System.Text;
using Dynamo.Core.Hashing;

namespace Dynamo.Core.Storage;

/// <summary>
/// The key layout of the data and hint spaces. Data keys sort by partition, then Merkle bucket, then
/// table and key: a partition is one contiguous range (handoff streams it), a bucket is a sub-range
/// (anti-entropy reads only differing buckets), and within a bucket keys keep their byte order.
/// <code>
/// data: partition u32 BE | bucket u16 BE | table length u8 | table | key
/// hint: partition u32 BE | bucket u16 BE | table length u8 | table | key length u16 BE | key | owner
/// </code>
/// </summary>
public static class StorageKeys
{
    public const int BucketBits = 16;
    public const int MaxTableBytes = 255;
    public const int MaxKeyBytes = 1024;

    /// <summary>Keys of internal compound tables (the DynamoDB layer's encoded partition and sort keys) may be longer.</summary>
    public const int MaxInternalKeyBytes = 8192;

    public static byte[] Data(int partitionCount, string table, string key)
    {
        var hash = KeyHash.Compute(table, key);
        return Data(hash.Partition(partitionCount), hash.Bucket(BucketBits), table, key);
    }

    public static byte[] Data(int partition, int bucket, string table, string key)
    {
        int tl = Encoding.UTF8.GetByteCount(table);
        int kl = Encoding.UTF8.GetByteCount(key);
        Check(tl, kl);
        var buf = new byte[7 + tl + kl];
        WritePrefix(buf, partition, bucket, table, tl);
        Encoding.UTF8.GetBytes(key, buf.AsSpan(7 + tl));
        return buf;
    }

    public static byte[] Hint(int partition, int bucket, string table, string key, NodeId owner)
    {
        var prefix = HintKeyPrefix(partition, bucket, table, key);
        var ownerBytes = Encoding.UTF8.GetBytes(owner.Value);
        var buf = new byte[prefix.Length + ownerBytes.Length];
        prefix.CopyTo(buf, 0);
        ownerBytes.CopyTo(buf, prefix.Length);
        return buf;
    }

    /// <summary>The prefix shared by every hint for one key, whatever its owner.</summary>
    public static byte[] HintKeyPrefix(int partition, int bucket, string table, string key)
    {
        int tl = Encoding.UTF8.GetByteCount(table);
        int kl = Encoding.UTF8.GetByteCount(key);
        Check(tl, kl);
        var buf = new byte[9 + tl + kl];
        WritePrefix(buf, partition, bucket, table, tl);
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(7 + tl), (ushort)kl);
        Encoding.UTF8.GetBytes(key, buf.AsSpan(9 + tl));
        return buf;
    }

    /// <summary>
    /// The storage-key range of a compound table's items that share <paramref name="hashKey"/>: keys
    /// "hashKey NUL suffix" with <paramref name="fromSuffix"/> ≤ suffix &lt; <paramref name="toSuffix"/> (null: open).
    /// All of them live in one partition and one bucket, contiguous and in suffix order.
    /// </summary>
    public static (int Partition, byte[] From, byte[] To) CompoundRange(int partitionCount, string table, string hashKey, string? fromSuffix, string? toSuffix)
    {
        var hash = KeyHash.Compute(table, hashKey + "\0");
        int partition = hash.Partition(partitionCount);
        int bucket = hash.Bucket(BucketBits);
        var from = Data(partition, bucket, table, hashKey + "\0" + (fromSuffix ?? ""));
        var to = toSuffix is null ? Data(partition, bucket, table, hashKey + "\u0001") : Data(partition, bucket, table, hashKey + "\0" + toSuffix);
        return (partition, from, to);
    }

    public static byte[] PartitionStart(int partition) => BucketStart(partition, 0);

    /// <summary>Exclusive end of a partition's range.</summary>
    public static byte[] PartitionEnd(int partition)
    {
        var buf = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(buf, (uint)partition + 1);
        return buf;
    }

    public static byte[] BucketStart(int partition, int bucket)
    {
        var buf = new byte[6];
        BinaryPrimitives.WriteUInt32BigEndian(buf, (uint)partition);
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(4), (ushort)bucket);
        return buf;
    }

    /// <summary>Exclusive end of the bucket range [<paramref name="fromBucket"/>, <paramref name="toBucket"/>).</summary>
    public static byte[] BucketEnd(int partition, int toBucket) =>
        toBucket >= 1 << BucketBits ? PartitionEnd(partition) : BucketStart(partition, toBucket);

    /// <summary>The smallest key after <paramref name="key"/>: where the next page of a scan starts.</summary>
    public static byte[] After(byte[] key)
    {
        var next = new byte[key.Length + 1];
        key.CopyTo(next, 0);
        return next;
    }

    public readonly record struct DataKey(int Partition, int Bucket, string Table, string Key);

    public readonly record struct HintKey(int Partition, int Bucket, string Table, string Key, NodeId Owner);

    public static DataKey ParseData(ReadOnlySpan<byte> raw)
    {
        if (raw.Length < 7 || raw.Length < 7 + raw[6])
        {
            throw new FormatException("Malformed data key.");
        }

        int tl = raw[6];
        return new DataKey(
            (int)BinaryPrimitives.ReadUInt32BigEndian(raw),
            BinaryPrimitives.ReadUInt16BigEndian(raw[4..]),
            Encoding.UTF8.GetString(raw.Slice(7, tl)),
            Encoding.UTF8.GetString(raw[(7 + tl)..]));
    }

    public static HintKey ParseHint(ReadOnlySpan<byte> raw)
    {
        if (raw.Length < 9 || raw.Length < 9 + raw[6])
        {
            throw new FormatException("Malformed hint key.");
        }

        int tl = raw[6];
        int kl = BinaryPrimitives.ReadUInt16BigEndian(raw[(7 + tl)..]);
        int ownerStart = 9 + tl + kl;
        if (raw.Length <= ownerStart)
        {
            throw new FormatException("Malformed hint key.");
        }

        return new HintKey(
            (int)BinaryPrimitives.ReadUInt32BigEndian(raw),
            BinaryPrimitives.ReadUInt16BigEndian(raw[4..]),
            Encoding.UTF8.GetString(raw.Slice(7, tl)),
            Encoding.UTF8.GetString(raw.Slice(9 + tl, kl)),
            new NodeId(Encoding.UTF8.GetString(raw[ownerStart..])));
    }

    private static void WritePrefix(byte[] buf, int partition, int bucket, string table, int tableBytes)
    {
        BinaryPrimitives.WriteUInt32BigEndian(buf, (uint)partition);
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(4), (ushort)bucket);
        buf[6] = (byte)tableBytes;
        Encoding.UTF8.GetBytes(table, buf.AsSpan(7));
    }

    private static void Check(int tableBytes, int keyBytes)
    {
        if (tableBytes is 0 or > MaxTableBytes)
        {
            throw new ArgumentException($"A table name is 1..{MaxTableBytes} bytes.");
        }

        if (keyBytes is 0 or > MaxInternalKeyBytes)
        {
            throw new ArgumentException($"A key is 1..{MaxInternalKeyBytes} bytes.");
        }
    }
}
