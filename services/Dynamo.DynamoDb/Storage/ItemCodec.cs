using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Dynamo.DynamoDb.Model;

namespace Dynamo.DynamoDb.Storage;

/// <summary>
/// Stable, versioned binary encoding of a <see cref="StoredItem"/> (the value the cluster store keeps per key).
/// <para>Format version 1 (all integers big-endian, lengths/counts as unsigned LEB128 varints):</para>
/// <code>
/// magic 'D' 'I' | version 0x01 | flags (bit 0 = tombstone) | HLC wall ms (int64) | HLC logical (int32)
/// | partition key (string) | has sort key (byte) [sort key (string)]
/// | [if not tombstone] attribute count, then per attribute: name (string), value
/// value  := type tag (byte, = <see cref="AttributeType"/>) payload
/// S: string | N: canonical number string | B: bytes | BOOL: byte | NULL: nothing
/// M: count, (name, value)* | L: count, value* | SS: count, string* | NS: count, number string* | BS: count, bytes*
/// string := varint byte length, UTF-8 bytes; bytes := varint length, raw bytes
/// </code>
/// Decoders must reject unknown versions; new versions must keep the magic and put the version byte third.
/// </summary>
public static class ItemCodec
{
    /// <summary>The current format version.</summary>
    public const byte FormatVersion = 1;

    private const byte Magic0 = (byte)'D';
    private const byte Magic1 = (byte)'I';
    private const int MaxDepth = 64;

    /// <summary>Encodes a stored item (live or tombstone).</summary>
    public static byte[] Encode(StoredItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var w = new ArrayBufferWriter<byte>(256);
        w.Write([Magic0, Magic1, FormatVersion, item.IsTombstone ? (byte)1 : (byte)0]);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteInt64BigEndian(header, item.Timestamp.WallMs);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], item.Timestamp.Logical);
        w.Write(header);
        WriteString(w, item.Key.PartitionKey);
        if (item.Key.SortKey is null)
        {
            w.Write([(byte)0]);
        }
        else
        {
            w.Write([(byte)1]);
            WriteString(w, item.Key.SortKey);
        }

        if (item.Attributes is not null)
        {
            WriteMap(w, item.Attributes);
        }

        return w.WrittenSpan.ToArray();
    }

    /// <summary>Decodes bytes produced by <see cref="Encode"/>; throws <see cref="FormatException"/> on malformed or unknown-version input.</summary>
    public static StoredItem Decode(ReadOnlySpan<byte> data)
    {
        var r = new Reader(data);
        if (r.Byte() != Magic0 || r.Byte() != Magic1)
        {
            throw new FormatException("Not an encoded item (bad magic).");
        }

        var version = r.Byte();
        if (version != FormatVersion)
        {
            throw new FormatException($"Unsupported item format version {version}.");
        }

        var flags = r.Byte();
        if ((flags & ~1) != 0)
        {
            throw new FormatException("Unknown item flags.");
        }

        var wall = BinaryPrimitives.ReadInt64BigEndian(r.Bytes(8));
        var logical = BinaryPrimitives.ReadInt32BigEndian(r.Bytes(4));
        var pk = r.String();
        var sk = r.Byte() switch
        {
            0 => null,
            1 => r.String(),
            _ => throw new FormatException("Bad sort key marker."),
        };
        IReadOnlyDictionary<string, AttributeValue>? attributes = null;
        if ((flags & 1) == 0)
        {
            attributes = ReadMap(ref r, 0);
        }

        if (!r.AtEnd)
        {
            throw new FormatException("Trailing bytes after encoded item.");
        }

        return new StoredItem(new ItemKey(pk, sk), new HlcTimestamp(wall, logical), attributes);
    }

    private static void WriteMap(ArrayBufferWriter<byte> w, IReadOnlyDictionary<string, AttributeValue> map)
    {
        WriteVarint(w, (ulong)map.Count);
        foreach (var (name, value) in map)
        {
            WriteString(w, name);
            WriteValue(w, value);
        }
    }

    private static void WriteValue(ArrayBufferWriter<byte> w, AttributeValue v)
    {
        w.Write([(byte)v.Type]);
        switch (v.Type)
        {
            case AttributeType.S: WriteString(w, v.S); break;
            case AttributeType.N: WriteString(w, v.N.ToString()); break;
            case AttributeType.B: WriteBytes(w, v.B); break;
            case AttributeType.BOOL: w.Write([v.Bool ? (byte)1 : (byte)0]); break;
            case AttributeType.NULL: break;
            case AttributeType.M: WriteMap(w, v.M); break;
            case AttributeType.L:
                WriteVarint(w, (ulong)v.L.Count);
                foreach (var e in v.L)
                {
                    WriteValue(w, e);
                }

                break;
            case AttributeType.SS:
                WriteVarint(w, (ulong)v.SS.Count);
                foreach (var s in v.SS)
                {
                    WriteString(w, s);
                }

                break;
            case AttributeType.NS:
                WriteVarint(w, (ulong)v.NS.Count);
                foreach (var n in v.NS)
                {
                    WriteString(w, n.ToString());
                }

                break;
            case AttributeType.BS:
                WriteVarint(w, (ulong)v.BS.Count);
                foreach (var b in v.BS)
                {
                    WriteBytes(w, b);
                }

                break;
            default:
                throw new ArgumentException("Unknown attribute type.", nameof(v));
        }
    }

    private static Dictionary<string, AttributeValue> ReadMap(ref Reader r, int depth)
    {
        var count = r.Count();
        var map = new Dictionary<string, AttributeValue>(Math.Min(count, 1024), StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = r.String();
            if (!map.TryAdd(name, ReadValue(ref r, depth + 1)))
            {
                throw new FormatException("Duplicate attribute name.");
            }
        }

        return map;
    }

    private static AttributeValue ReadValue(ref Reader r, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException("Nesting too deep.");
        }

        var type = (AttributeType)r.Byte();
        switch (type)
        {
            case AttributeType.S: return AttributeValue.FromS(r.String());
            case AttributeType.N: return AttributeValue.FromN(ParseNumber(r.String()));
            case AttributeType.B: return AttributeValue.FromB(r.Bytes(r.Count()).ToArray());
            case AttributeType.BOOL:
                return r.Byte() switch
                {
                    0 => AttributeValue.FromBool(false),
                    1 => AttributeValue.FromBool(true),
                    _ => throw new FormatException("Bad boolean."),
                };
            case AttributeType.NULL: return AttributeValue.Null;
            case AttributeType.M: return AttributeValue.FromM(ReadMap(ref r, depth));
            case AttributeType.L:
                {
                    var count = r.Count();
                    var list = new List<AttributeValue>(Math.Min(count, 1024));
                    for (var i = 0; i < count; i++)
                    {
                        list.Add(ReadValue(ref r, depth + 1));
                    }

                    return AttributeValue.FromL(list);
                }

            case AttributeType.SS:
                {
                    var count = r.Count();
                    var list = new List<string>(Math.Min(count, 1024));
                    for (var i = 0; i < count; i++)
                    {
                        list.Add(r.String());
                    }

                    return AttributeValue.FromSS(list);
                }

            case AttributeType.NS:
                {
                    var count = r.Count();
                    var list = new List<DynamoNumber>(Math.Min(count, 1024));
                    for (var i = 0; i < count; i++)
                    {
                        list.Add(ParseNumber(r.String()));
                    }

                    return AttributeValue.FromNS(list);
                }

            case AttributeType.BS:
                {
                    var count = r.Count();
                    var list = new List<byte[]>(Math.Min(count, 1024));
                    for (var i = 0; i < count; i++)
                    {
                        list.Add(r.Bytes(r.Count()).ToArray());
                    }

                    return AttributeValue.FromBS(list);
                }

            default:
                throw new FormatException($"Unknown attribute type tag {(byte)type}.");
        }
    }

    private static DynamoNumber ParseNumber(string s) =>
        DynamoNumber.TryParse(s, out var n, out var error) ? n : throw new FormatException(error);

    private static void WriteString(ArrayBufferWriter<byte> w, string s)
    {
        var count = Encoding.UTF8.GetByteCount(s);
        WriteVarint(w, (ulong)count);
        var span = w.GetSpan(count);
        Encoding.UTF8.GetBytes(s, span);
        w.Advance(count);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> w, ReadOnlySpan<byte> b)
    {
        WriteVarint(w, (ulong)b.Length);
        w.Write(b);
    }

    private static void WriteVarint(ArrayBufferWriter<byte> w, ulong value)
    {
        var span = w.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        w.Advance(i);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public readonly bool AtEnd => _pos == _data.Length;

        public byte Byte()
        {
            if (_pos >= _data.Length)
            {
                throw new FormatException("Unexpected end of encoded item.");
            }

            return _data[_pos++];
        }

        public ReadOnlySpan<byte> Bytes(int count)
        {
            if (count < 0 || count > _data.Length - _pos)
            {
                throw new FormatException("Unexpected end of encoded item.");
            }

            var s = _data.Slice(_pos, count);
            _pos += count;
            return s;
        }

        public int Count()
        {
            ulong value = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                var b = Byte();
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value > int.MaxValue ? throw new FormatException("Length too large.") : (int)value;
                }
            }

            throw new FormatException("Varint too long.");
        }

        public string String()
        {
            var bytes = Bytes(Count());
            try
            {
                return new UTF8Encoding(false, true).GetString(bytes);
            }
            catch (DecoderFallbackException e)
            {
                throw new FormatException("Invalid UTF-8 in encoded item.", e);
            }
        }
    }
}
