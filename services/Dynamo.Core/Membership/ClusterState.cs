using System.Collections.Immutable;
using Dynamo.Core.Partitioning;

namespace Dynamo.Core.Membership;

/// <summary>
/// What gossip spreads (§4.8): the members, the ring, and the tables' settings. Immutable; two states
/// merge member by member, table by table, and the ring with the higher (epoch, fingerprint) wins.
/// Merge is commutative, associative and idempotent, so every node converges to the same state.
/// </summary>
public sealed class ClusterState
{
    public static readonly ClusterState Empty = new(
        ImmutableSortedDictionary<NodeId, MemberState>.Empty,
        null,
        ImmutableSortedDictionary.Create<string, TableSettings>(StringComparer.Ordinal));

    public ClusterState(
        ImmutableSortedDictionary<NodeId, MemberState> members,
        Ring? ring,
        ImmutableSortedDictionary<string, TableSettings> tables)
    {
        Members = members;
        Ring = ring;
        Tables = tables;
    }

    public ImmutableSortedDictionary<NodeId, MemberState> Members { get; }

    public Ring? Ring { get; }

    public ImmutableSortedDictionary<string, TableSettings> Tables { get; }

    public MemberState? Member(NodeId id) => Members.TryGetValue(id, out var m) ? m : null;

    public ClusterState WithMember(MemberState member) =>
        new(Members.SetItem(member.Id, Members.TryGetValue(member.Id, out var old) ? MemberState.Merge(old, member) : member), Ring, Tables);

    public ClusterState WithRing(Ring ring) =>
        Ring is null || ring.CompareVersion(Ring) > 0 ? new ClusterState(Members, ring, Tables) : this;

    public ClusterState WithTable(TableSettings table) =>
        Tables.TryGetValue(table.Name, out var old) && TableSettings.Newer(old, table) == old
            ? this
            : new ClusterState(Members, Ring, Tables.SetItem(table.Name, table));

    public static ClusterState Merge(ClusterState a, ClusterState b)
    {
        if (ReferenceEquals(a, b))
        {
            return a;
        }

        var members = a.Members;
        foreach (var (id, m) in b.Members)
        {
            members = members.TryGetValue(id, out var mine)
                ? (MemberState.Merge(mine, m) is var merged && merged != mine ? members.SetItem(id, merged) : members)
                : members.Add(id, m);
        }

        var tables = a.Tables;
        foreach (var (name, t) in b.Tables)
        {
            if (!tables.TryGetValue(name, out var mine) || TableSettings.Newer(mine, t) != mine)
            {
                tables = tables.SetItem(name, t);
            }
        }

        var ring = a.Ring is null ? b.Ring : b.Ring is null ? a.Ring : (b.Ring.CompareVersion(a.Ring) > 0 ? b.Ring : a.Ring);
        if (ReferenceEquals(members, a.Members) && ReferenceEquals(tables, a.Tables) && ReferenceEquals(ring, a.Ring))
        {
            return a;
        }

        return new ClusterState(members, ring, tables);
    }

    /// <summary>True when both hold the same members, tables and ring.</summary>
    public bool SameAs(ClusterState other) =>
        ReferenceEquals(this, other)
        || (Members.Count == other.Members.Count
            && Members.All(kv => other.Members.TryGetValue(kv.Key, out var o) && o == kv.Value)
            && Tables.Count == other.Tables.Count
            && Tables.All(kv => other.Tables.TryGetValue(kv.Key, out var o) && o == kv.Value)
            && (Ring?.Epoch, Ring?.Fingerprint) == (other.Ring?.Epoch, other.Ring?.Fingerprint));

    /// <summary>The settings of a table; the default table always exists with the cluster defaults.</summary>
    public TableSettings? Table(string name, TableSettings defaults) =>
        Tables.TryGetValue(name, out var t) ? t : name == TableSettings.DefaultTable ? defaults : null;
}
