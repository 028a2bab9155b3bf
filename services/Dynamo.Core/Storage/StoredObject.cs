using System.Buffers.Binary;
using System.IO.Hashing;
using Dynamo.Core.Codecs;
using Dynamo.Core.Versioning;

namespace Dynamo.Core.Storage;

/// <summary>
/// A replica's record for one key: the replicated state (a DVVSet in <see cref="ObjectCodec"/> form)
/// plus metadata that belongs to this node only and is never sent to others:
/// <list type="bullet">
/// <item><see cref="CoordinatorEpoch"/>: the actor epoch this node may keep using to coordinate writes
/// on this key, because this record has existed here without interruption since that epoch began (see
/// <see cref="Actor"/>); 0 when none.</item>
/// <item><see cref="TombstoneSince"/>: local time (ms) when the key became tombstones only, for the
/// garbage collection grace period; 0 otherwise.</item>
/// </list>
/// <code>record: version u8 | coordinator epoch varint | tombstone-since varint | version hash u64 LE | object</code>
/// </summary>
public sealed class StoredObject
{
    public const byte RecordVersion = 1;

    private StoredObject(DottedVersionVectorSet set, byte[] encoded, uint coordinatorEpoch, long tombstoneSince)
    {
        Set = set;
        Encoded = encoded;
        VersionHash = HashOf(encoded);
        CoordinatorEpoch = coordinatorEpoch;
        TombstoneSince = tombstoneSince;
    }

    public DottedVersionVectorSet Set { get; }

    /// <summary>The replicated bytes (<see cref="ObjectCodec.EncodeShared"/>: read-only), sent as is to other replicas.</summary>
    public byte[] Encoded { get; }

    /// <summary>Hash of <see cref="Encoded"/>: equal on replicas that hold equal state (Merkle leaves).</summary>
    public ulong VersionHash { get; }

    public uint CoordinatorEpoch { get; }

    public long TombstoneSince { get; }

    public static StoredObject Create(DottedVersionVectorSet set, uint coordinatorEpoch, long now) =>
        Create(set, ObjectCodec.EncodeShared(set), coordinatorEpoch, now, previous: null);

    /// <summary>A record for <paramref name="set"/>, carrying the tombstone clock of <paramref name="previous"/> when still all tombstones.</summary>
    public static StoredObject Create(DottedVersionVectorSet set, byte[] encoded, uint coordinatorEpoch, long now, StoredObject? previous)
    {
        long since = 0;
        if (set.IsTombstoneOnly)
        {
            since = previous is { TombstoneSince: > 0 } && previous.Set.IsTombstoneOnly ? previous.TombstoneSince : Math.Max(1, now);
        }

        return new StoredObject(set, encoded, coordinatorEpoch, since);
    }

    public static ulong HashOf(ReadOnlySpan<byte> encoded) => XxHash64.HashToUInt64(encoded);

    public byte[] ToRecord()
    {
        // Sized exactly, so the writer's buffer is the record (no copy): this runs for every stored write.
        var w = new ByteWriter(1 + ByteWriter.VarUIntSize(CoordinatorEpoch) + ByteWriter.VarUIntSize((ulong)TombstoneSince) + 8 + Encoded.Length);
        w.Byte(RecordVersion);
        w.VarUInt(CoordinatorEpoch);
        w.VarUInt((ulong)TombstoneSince);
        Span<byte> hash = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(hash, VersionHash);
        w.Bytes(hash);
        w.Bytes(Encoded);
        return w.ToArray();
    }

    public static StoredObject FromRecord(ReadOnlySpan<byte> record)
    {
        var r = new ByteReader(record);
        byte version = r.Byte();
        if (version != RecordVersion)
        {
            throw new FormatException($"Unknown record version {version}.");
        }

        uint epoch = (uint)r.VarLong(uint.MaxValue);
        long since = r.VarLong(long.MaxValue);
        r.Bytes(8);
        var encoded = r.Bytes(r.Remaining).ToArray();
        return new StoredObject(ObjectCodec.DecodeShared(encoded), encoded, epoch, since);
    }

    /// <summary>Reads only the version hash of a record, without decoding the object (Merkle rebuilds).</summary>
    public static ulong VersionHashOfRecord(ReadOnlySpan<byte> record)
    {
        var r = new ByteReader(record);
        r.Byte();
        r.VarUInt();
        r.VarUInt();
        return BinaryPrimitives.ReadUInt64LittleEndian(r.Bytes(8));
    }
}
