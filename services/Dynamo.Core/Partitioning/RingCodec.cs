using Dynamo.Core.Codecs;

namespace Dynamo.Core.Partitioning;

/// <summary>The versioned binary form of a <see cref="Ring"/>, as gossiped and as recorded by the seed.</summary>
public static class RingCodec
{
    public const byte FormatVersion = 1;
    public const int MaxMembers = 65_536;

    public static byte[] Encode(Ring ring)
    {
        var w = new ByteWriter(16 + ring.Members.Count * 32 + ring.PartitionCount * 2);
        w.Byte(FormatVersion);
        w.VarUInt((ulong)ring.PartitionCount);
        w.VarUInt((ulong)ring.Epoch);
        w.VarUInt((ulong)ring.Members.Count);
        foreach (var m in ring.Members)
        {
            w.String(m.Id.Value);
            w.VarUInt((ulong)m.Capacity);
            w.String(m.Zone ?? "");
        }

        for (int p = 0; p < ring.PartitionCount; p++)
        {
            w.VarUInt((ulong)ring.OwnerIndex(p));
        }

        return w.ToArray();
    }

    public static Ring Decode(ReadOnlySpan<byte> data)
    {
        var r = new ByteReader(data);
        if (r.Byte() != FormatVersion)
        {
            throw new FormatException("Unknown ring format version.");
        }

        int q = r.VarInt(Ring.MaxPartitions);
        long epoch = r.VarLong(long.MaxValue);
        int count = r.VarInt(MaxMembers);
        if (count == 0)
        {
            throw new FormatException("A ring has members.");
        }

        var members = new RingMember[count];
        for (int i = 0; i < count; i++)
        {
            string id = r.String(NodeId.MaxLength * 4);
            if (id.Length is 0 or > NodeId.MaxLength)
            {
                throw new FormatException("Invalid member id.");
            }

            int capacity = r.VarInt(RingMember.MaxCapacity);
            string zone = r.String(256);
            if (capacity < 1)
            {
                throw new FormatException("Invalid capacity.");
            }

            members[i] = new RingMember(new NodeId(id), capacity, zone.Length == 0 ? null : zone);
        }

        var owners = new int[q];
        for (int p = 0; p < q; p++)
        {
            owners[p] = r.VarInt(count - 1);
        }

        if (!r.End)
        {
            throw new FormatException("Trailing bytes after the ring.");
        }

        try
        {
            return new Ring(q, epoch, members, owners);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }
}
