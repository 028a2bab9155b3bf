using System.Text;

namespace Dynamo.DynamoDb.Model;

/// <summary>
/// Item size as DynamoDB computes it for the 400 KB limit and capacity units: attribute names and strings by
/// UTF-8 length, binaries by length, numbers ≈ 1 byte per two significant digits + 1, booleans and nulls 1 byte,
/// lists and maps 3 bytes of overhead plus 1 byte per element plus their contents (map keys by UTF-8 length).
/// </summary>
public static class ItemSize
{
    /// <summary>DynamoDB's maximum item size (400 KB).</summary>
    public const int MaxItemBytes = 400 * 1024;

    /// <summary>Size of an item in bytes.</summary>
    public static long Of(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        long size = 0;
        foreach (var (name, value) in item)
        {
            size += Encoding.UTF8.GetByteCount(name) + Of(value);
        }

        return size;
    }

    /// <summary>Size of a value in bytes (without its attribute name).</summary>
    public static long Of(AttributeValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        switch (value.Type)
        {
            case AttributeType.S:
                return Encoding.UTF8.GetByteCount(value.S);
            case AttributeType.N:
                return NumberSize(value.N);
            case AttributeType.B:
                return value.B.Length;
            case AttributeType.BOOL:
            case AttributeType.NULL:
                return 1;
            case AttributeType.SS:
                return value.SS.Sum(s => (long)Encoding.UTF8.GetByteCount(s));
            case AttributeType.NS:
                return value.NS.Sum(NumberSize);
            case AttributeType.BS:
                return value.BS.Sum(b => (long)b.Length);
            case AttributeType.L:
                {
                    long size = 3;
                    foreach (var e in value.L)
                    {
                        size += 1 + Of(e);
                    }

                    return size;
                }

            case AttributeType.M:
                {
                    long size = 3;
                    foreach (var (k, e) in value.M)
                    {
                        size += 1 + Encoding.UTF8.GetByteCount(k) + Of(e);
                    }

                    return size;
                }

            default:
                return 0;
        }
    }

    private static long NumberSize(DynamoNumber n) => n.IsZero ? 1 : 1 + ((n.Precision + 1) / 2) + (n.Sign < 0 ? 1 : 0);
}
