using System.Collections.Immutable;
using Dynamo.Core.Codecs;
using Dynamo.Core.Partitioning;

namespace Dynamo.Core.Membership;

/// <summary>The versioned binary form of a <see cref="ClusterState"/>: gossip payloads and what a node persists.</summary>
public static class ClusterStateCodec
{
    public const byte FormatVersion = 1;
    public const int MaxMembers = 65_536;
    public const int MaxTables = 65_536;

    public static byte[] Encode(ClusterState state)
    {
        var w = new ByteWriter(64 + (state.Members.Count * 64) + (state.Ring?.PartitionCount ?? 0) * 2);
        w.Byte(FormatVersion);
        w.VarUInt((ulong)state.Members.Count);
        foreach (var m in state.Members.Values)
        {
            w.String(m.Id.Value);
            w.String(m.Address);
            w.Byte((byte)m.Status);
            w.VarUInt((ulong)m.Capacity);
            w.String(m.Zone ?? "");
            w.VarUInt((ulong)m.Incarnation);
            w.VarUInt((ulong)m.Version);
        }

        w.VarUInt((ulong)state.Tables.Count);
        foreach (var t in state.Tables.Values)
        {
            w.String(t.Name);
            w.VarUInt((ulong)t.N);
            w.VarUInt((ulong)t.R);
            w.VarUInt((ulong)t.W);
            w.VarUInt((ulong)t.Version);
        }

        if (state.Ring is null)
        {
            w.Byte(0);
        }
        else
        {
            w.Byte(1);
            w.LengthPrefixed(RingCodec.Encode(state.Ring));
        }

        return w.ToArray();
    }

    public static ClusterState Decode(ReadOnlySpan<byte> data)
    {
        var r = new ByteReader(data);
        if (r.Byte() != FormatVersion)
        {
            throw new FormatException("Unknown cluster state format version.");
        }

        var members = ImmutableSortedDictionary.CreateBuilder<NodeId, MemberState>();
        int count = r.VarInt(MaxMembers);
        for (int i = 0; i < count; i++)
        {
            string id = r.String(NodeId.MaxLength * 4);
            if (id.Length is 0 or > NodeId.MaxLength)
            {
                throw new FormatException("Invalid member id.");
            }

            string address = r.String(2048);
            byte status = r.Byte();
            if (status > (byte)MemberStatus.Left)
            {
                throw new FormatException("Invalid member status.");
            }

            int capacity = r.VarInt(RingMember.MaxCapacity);
            string zone = r.String(256);
            long incarnation = r.VarLong(long.MaxValue);
            long version = r.VarLong(long.MaxValue);
            if (capacity < 1)
            {
                throw new FormatException("Invalid capacity.");
            }

            var node = new NodeId(id);
            members[node] = new MemberState(node, address, (MemberStatus)status, capacity, zone.Length == 0 ? null : zone, incarnation, version);
        }

        var tables = ImmutableSortedDictionary.CreateBuilder<string, TableSettings>(StringComparer.Ordinal);
        int tableCount = r.VarInt(MaxTables);
        for (int i = 0; i < tableCount; i++)
        {
            string name = r.String(1024);
            int n = r.VarInt(TableSettings.MaxN);
            int rr = r.VarInt(TableSettings.MaxN);
            int ww = r.VarInt(TableSettings.MaxN);
            long version = r.VarLong(long.MaxValue);
            if (name.Length == 0 || TableSettings.Validate(n, rr, ww, 0) is not null)
            {
                throw new FormatException("Invalid table settings.");
            }

            tables[name] = new TableSettings(name, n, rr, ww, version);
        }

        Ring? ring = r.Byte() switch
        {
            0 => null,
            1 => RingCodec.Decode(r.LengthPrefixed(64 << 20)),
            _ => throw new FormatException("Invalid ring flag."),
        };
        if (!r.End)
        {
            throw new FormatException("Trailing bytes after the cluster state.");
        }

        return new ClusterState(members.ToImmutable(), ring, tables.ToImmutable());
    }
}
