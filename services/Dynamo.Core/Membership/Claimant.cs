using Dynamo.Core.Partitioning;

namespace Dynamo.Core.Membership;

/// <summary>
/// Who changes the ring, and how (Riak's claimant). Membership changes are explicit (§4.8.1): a node
/// asks to join by gossiping itself as <see cref="MemberStatus.Joining"/>; an administrator marks a
/// member <see cref="MemberStatus.Leaving"/>. The claimant, the lowest-id ring member this node
/// believes reachable and not leaving, turns one pending change at a time into a new ring with
/// <see cref="RingClaim"/>. Two nodes that briefly both think they are claimant make rings of the same
/// epoch; the (epoch, fingerprint) order picks one, and the other change is redone by the winner.
/// </summary>
public static class Claimant
{
    public static NodeId? Of(ClusterState state, Func<NodeId, bool> isAvailable)
    {
        if (state.Ring is { } ring)
        {
            foreach (var m in ring.Members)
            {
                var status = state.Member(m.Id)?.Status ?? MemberStatus.Joining;
                if (status == MemberStatus.Joining && isAvailable(m.Id))
                {
                    return m.Id;
                }
            }

            return null;
        }

        foreach (var (id, m) in state.Members)
        {
            if (m.Status == MemberStatus.Joining && isAvailable(id))
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>The next ring if <paramref name="self"/> is the claimant and a change is pending; otherwise null.</summary>
    public static Ring? NextRing(ClusterState state, NodeId self, Func<NodeId, bool> isAvailable, int partitionCount, int spacing)
    {
        if (Of(state, isAvailable) != self)
        {
            return null;
        }

        if (state.Ring is not { } ring)
        {
            var founders = state.Members.Values
                .Where(m => m.Status == MemberStatus.Joining)
                .Select(m => new RingMember(m.Id, m.Capacity, m.Zone))
                .ToList();
            return RingClaim.Initial(partitionCount, founders);
        }

        foreach (var m in state.Members.Values)
        {
            if (m.Status == MemberStatus.Joining && !ring.Contains(m.Id))
            {
                return RingClaim.Join(ring, new RingMember(m.Id, m.Capacity, m.Zone), spacing);
            }
        }

        foreach (var m in state.Members.Values)
        {
            if (m.Status != MemberStatus.Joining && ring.Contains(m.Id) && ring.Members.Count > 1)
            {
                return RingClaim.Leave(ring, m.Id, spacing);
            }
        }

        return null;
    }
}
