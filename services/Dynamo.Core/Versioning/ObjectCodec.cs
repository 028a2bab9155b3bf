using Dynamo.Core.Codecs;

namespace Dynamo.Core.Versioning;

/// <summary>
/// The versioned binary form of a <see cref="DottedVersionVectorSet"/>: what replicas exchange and what
/// the storage engines keep. Canonical (entries in actor order, each field in one fixed form), so two
/// replicas holding the same state hold the same bytes and hash them alike for Merkle trees (§4.7).
/// </summary>
public static class ObjectCodec
{
    public const byte FormatVersion = 1;

    /// <summary>Upper bounds that keep a hostile payload from allocating without limit.</summary>
    public const int MaxActors = 4096;
    public const int MaxSiblings = 4096;
    public const int MaxValueBytes = 64 * 1024 * 1024;
    public const int MaxContentTypeBytes = 256;

    private const byte FlagTombstone = 1;
    private const byte FlagContentType = 2;

    /// <summary>
    /// The canonical bytes of <paramref name="set"/>, computed at most once per set and shared by every
    /// caller (storage record, replica messages, read replies): read-only, never modify them. Use
    /// <see cref="Encode"/> for an array of your own.
    /// </summary>
    public static byte[] EncodeShared(DottedVersionVectorSet set) =>
        set.SharedEncoding ?? Interlocked.CompareExchange(ref set.SharedEncoding, Encode(set), null) ?? set.SharedEncoding!;

    /// <summary>
    /// <see cref="Decode(ReadOnlySpan{byte})"/>, remembering <paramref name="data"/> as the set's
    /// <see cref="EncodeShared"/> bytes: the caller hands the array over and must not modify it afterwards.
    /// </summary>
    public static DottedVersionVectorSet DecodeShared(byte[] data)
    {
        var set = Decode(data);
        Interlocked.CompareExchange(ref set.SharedEncoding, data, null); // the first encoding of a set stays its only one
        return set;
    }

    /// <summary>A fresh array with the canonical bytes of <paramref name="set"/>, owned by the caller.</summary>
    public static byte[] Encode(DottedVersionVectorSet set)
    {
        var w = new ByteWriter(EstimateSize(set));
        Write(w, set);
        return w.ToArray();
    }

    internal static int EstimateSize(DottedVersionVectorSet set)
    {
        int size = 8;
        foreach (var e in set.Entries)
        {
            size += e.Actor.Node.Value.Length + 24;
            foreach (var v in e.Values)
            {
                size += v.RawValue.Length + (v.ContentType?.Length ?? 0) + 8;
            }
        }

        return size;
    }

    internal static void Write(ByteWriter w, DottedVersionVectorSet set)
    {
        w.Byte(FormatVersion);
        w.VarUInt((ulong)set.Entries.Length);
        foreach (var e in set.Entries)
        {
            w.String(e.Actor.Node.Value);
            w.VarUInt(e.Actor.Epoch);
            w.VarUInt((ulong)e.Counter);
            w.VarUInt((ulong)e.Values.Length);
            foreach (var v in e.Values)
            {
                byte flags = (byte)((v.IsTombstone ? FlagTombstone : 0) | (v.ContentType is null ? 0 : FlagContentType));
                w.Byte(flags);
                if (v.ContentType is not null)
                {
                    w.String(v.ContentType);
                }

                w.LengthPrefixed(v.RawValue);
            }
        }
    }

    /// <summary>Decodes and validates; anything malformed or non-canonical is a <see cref="FormatException"/>.</summary>
    public static DottedVersionVectorSet Decode(ReadOnlySpan<byte> data)
    {
        var r = new ByteReader(data);
        var set = Read(ref r);
        if (!r.End)
        {
            throw new FormatException("Trailing bytes after the object.");
        }

        return set;
    }

    internal static DottedVersionVectorSet Read(ref ByteReader r)
    {
        byte version = r.Byte();
        if (version != FormatVersion)
        {
            throw new FormatException($"Unknown object format version {version}.");
        }

        int count = r.VarInt(MaxActors);
        if (count == 0)
        {
            return DottedVersionVectorSet.Empty;
        }

        var entries = new DottedVersionVectorSet.Entry[count];
        int siblings = 0;
        for (int i = 0; i < count; i++)
        {
            string node = r.String(NodeId.MaxLength * 4);
            if (node.Length is 0 or > NodeId.MaxLength)
            {
                throw new FormatException("Invalid actor id.");
            }

            uint epoch = (uint)r.VarLong(uint.MaxValue);
            long counter = r.VarLong(long.MaxValue / 2);
            var actor = new Actor(new NodeId(node), epoch);
            if (i > 0 && entries[i - 1].Actor >= actor)
            {
                throw new FormatException("Actors are not in canonical order.");
            }

            int n = r.VarInt(MaxSiblings);
            if (n > counter)
            {
                throw new FormatException("More live versions than events.");
            }

            siblings += n;
            if (siblings > MaxSiblings)
            {
                throw new FormatException("Too many siblings.");
            }

            var values = n == 0 ? [] : new Sibling[n];
            for (int v = 0; v < n; v++)
            {
                byte flags = r.Byte();
                if ((flags & ~(FlagTombstone | FlagContentType)) != 0)
                {
                    throw new FormatException("Unknown value flags.");
                }

                string? contentType = (flags & FlagContentType) != 0 ? r.String(MaxContentTypeBytes) : null;
                var bytes = r.LengthPrefixed(MaxValueBytes);
                bool tombstone = (flags & FlagTombstone) != 0;
                if (tombstone && (bytes.Length != 0 || contentType is not null))
                {
                    throw new FormatException("A tombstone carries no value.");
                }

                values[v] = Sibling.Create(bytes.ToArray(), contentType, tombstone);
            }

            if (counter == 0)
            {
                throw new FormatException("An actor entry with no events.");
            }

            entries[i] = new DottedVersionVectorSet.Entry(actor, counter, values);
        }

        return new DottedVersionVectorSet(entries);
    }
}
