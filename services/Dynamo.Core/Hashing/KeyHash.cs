using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace Dynamo.Core.Hashing;

/// <summary>
/// The position of a key on the ring (paper §4.2: "hashing the data item's key to yield its position").
/// XxHash128 of table and key: the top bits choose one of Q equal partitions (§6.2, strategy 3), and an
/// independent slice chooses the Merkle-tree bucket inside the partition (§4.7).
/// </summary>
public readonly record struct KeyHash(UInt128 Value)
{
    /// <summary>Keys of these tables hash only the part before the first NUL: all items sharing that
    /// "hash key" land in one partition and one bucket, stored in key order (DynamoDB-style sort keys).</summary>
    public const char CompoundTablePrefix = '$';

    public static KeyHash Compute(string table, string key)
    {
        int max = Encoding.UTF8.GetMaxByteCount(table.Length + key.Length) + 1;
        byte[]? rented = null;
        Span<byte> buffer = max <= 1024 ? stackalloc byte[max] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int n = Encoding.UTF8.GetBytes(table, buffer);
            buffer[n++] = 0;
            n += Encoding.UTF8.GetBytes(HashedPart(table, key), buffer[n..]);
            return new KeyHash(XxHash128.HashToUInt128(buffer[..n]));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Partition index for a ring of <paramref name="partitionCount"/> (a power of two) partitions.</summary>
    public int Partition(int partitionCount)
    {
        int bits = System.Numerics.BitOperations.Log2((uint)partitionCount);
        return bits == 0 ? 0 : (int)((ulong)(Value >> 64) >> (64 - bits));
    }

    /// <summary>Merkle bucket among 2^<paramref name="bucketBits"/>, independent of the partition bits.</summary>
    public int Bucket(int bucketBits) => bucketBits == 0 ? 0 : (int)((ulong)Value >> (64 - bucketBits));

    private static ReadOnlySpan<char> HashedPart(string table, string key)
    {
        if (table.Length > 0 && table[0] == CompoundTablePrefix)
        {
            int nul = key.IndexOf('\0', StringComparison.Ordinal);
            if (nul >= 0)
            {
                return key.AsSpan(0, nul);
            }
        }

        return key;
    }
}
