namespace Dynamo.Core.Membership;

/// <summary>
/// Where a member stands in the membership history (§4.8.1: membership changes are explicit). The
/// order is a lattice: a member can only move forward. A node in the ring that is not leaving serves.
/// </summary>
public enum MemberStatus
{
    /// <summary>Wants to be in the ring; the claimant assigns it partitions.</summary>
    Joining = 0,

    /// <summary>An administrator asked it to leave; the claimant moves its partitions away.</summary>
    Leaving = 1,

    /// <summary>Out of the ring with its data handed off. Final for this incarnation.</summary>
    Left = 2,
}

/// <summary>
/// One member's entry in the gossiped view: address, status, capacity weight, zone. Entries merge as a
/// lattice so gossip converges whatever the order: a newer incarnation (the node's data directory was
/// recreated) replaces an older one; within one, the status moves forward and the fields with the
/// higher version win (ties broken by value).
/// </summary>
public sealed record MemberState(
    NodeId Id,
    string Address,
    MemberStatus Status,
    int Capacity,
    string? Zone,
    long Incarnation,
    long Version)
{
    public static MemberState Merge(MemberState a, MemberState b)
    {
        if (a.Incarnation != b.Incarnation)
        {
            return a.Incarnation > b.Incarnation ? a : b;
        }

        var fields = a.Version != b.Version ? (a.Version > b.Version ? a : b) : Tiebreak(a, b);
        var status = (MemberStatus)Math.Max((int)a.Status, (int)b.Status);
        return fields.Status == status ? fields : fields with { Status = status };
    }

    private static MemberState Tiebreak(MemberState a, MemberState b)
    {
        int c = string.CompareOrdinal(a.Address, b.Address);
        if (c == 0)
        {
            c = a.Capacity.CompareTo(b.Capacity);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(a.Zone, b.Zone);
        }

        return c >= 0 ? a : b;
    }
}
