using System.IO.Hashing;
using System.Text;

namespace Dynamo.Core.Partitioning;

/// <summary>
/// How nodes claim partitions (paper §6.2, strategy 3; Riak's claim). Pure functions from a ring and a
/// membership change to the next ring, so any node that applies them gets the same answer.
///
/// Targets are the largest-remainder apportionment of Q by capacity weight. A join moves exactly the
/// new node's target, and only to the new node; a leave moves exactly the leaver's partitions, and only
/// away from it (§4.2 "incremental scalability": no other data moves). Among the candidates, a
/// partition is placed so that the same node (and, if zones are set, the same zone) does not repeat
/// within <c>spacing</c> consecutive positions, which keeps each preference list on distinct nodes
/// within its first N positions.
/// </summary>
public static class RingClaim
{
    public const int DefaultSpacing = 3;

    /// <summary>A fresh ring: members interleaved by smooth weighted round robin.</summary>
    public static Ring Initial(int partitionCount, IReadOnlyList<RingMember> members, long epoch = 1)
    {
        if (members.Count == 0)
        {
            throw new ArgumentException("A ring needs at least one member.", nameof(members));
        }

        var sorted = members.OrderBy(m => m.Id).ToArray();
        var targets = Targets(partitionCount, sorted);
        var counts = new int[sorted.Length];
        var current = new long[sorted.Length];
        long total = sorted.Sum(m => (long)m.Capacity);
        var owners = new int[partitionCount];
        for (int p = 0; p < partitionCount; p++)
        {
            int best = -1;
            for (int i = 0; i < sorted.Length; i++)
            {
                if (counts[i] >= targets[i])
                {
                    continue;
                }

                current[i] += sorted[i].Capacity;
                if (best < 0 || current[i] > current[best])
                {
                    best = i;
                }
            }

            current[best] -= total;
            counts[best]++;
            owners[p] = best;
        }

        return new Ring(partitionCount, epoch, sorted, owners);
    }

    /// <summary>The ring after <paramref name="joining"/> joins: it takes exactly its target share.</summary>
    public static Ring Join(Ring ring, RingMember joining, int spacing = DefaultSpacing)
    {
        if (ring.Contains(joining.Id))
        {
            throw new InvalidOperationException($"{joining.Id} is already a member.");
        }

        var members = ring.Members.Append(joining).OrderBy(m => m.Id).ToArray();
        int newIdx = Array.FindIndex(members, m => m.Id == joining.Id);
        var owners = ring.OwnersCopy();
        for (int p = 0; p < owners.Length; p++)
        {
            if (owners[p] >= newIdx)
            {
                owners[p]++;
            }
        }

        var targets = Targets(ring.PartitionCount, members);
        var counts = Counts(owners, members.Length);
        int q = ring.PartitionCount;
        int start = Rotation(joining.Id, q);
        for (int step = 0; step < targets[newIdx]; step++)
        {
            int best = -1;
            (int, int, int, int, int) bestScore = default;
            for (int k = 0; k < q; k++)
            {
                int p = (start + k) & (q - 1);
                int donor = owners[p];
                if (donor == newIdx || counts[donor] <= 1)
                {
                    continue;
                }

                int excess = counts[donor] - targets[donor];
                var score = (
                    excess > 0 ? 0 : 1,
                    Conflicts(owners, members, p, newIdx, spacing),
                    -excess,
                    -Conflicts(owners, members, p, donor, spacing),
                    k);
                if (best < 0 || score.CompareTo(bestScore) < 0)
                {
                    best = p;
                    bestScore = score;
                }
            }

            if (best < 0)
            {
                break;
            }

            counts[owners[best]]--;
            owners[best] = newIdx;
            counts[newIdx]++;
        }

        return new Ring(q, ring.Epoch + 1, members, owners);
    }

    /// <summary>The ring after <paramref name="leaving"/> leaves: its partitions go to the members furthest below target.</summary>
    public static Ring Leave(Ring ring, NodeId leaving, int spacing = DefaultSpacing)
    {
        int oldIdx = ring.IndexOf(leaving);
        if (oldIdx < 0)
        {
            throw new InvalidOperationException($"{leaving} is not a member.");
        }

        if (ring.Members.Count == 1)
        {
            throw new InvalidOperationException("The last member cannot leave.");
        }

        var members = ring.Members.Where(m => m.Id != leaving).ToArray();
        var owners = ring.OwnersCopy();
        const int Unowned = -1;
        for (int p = 0; p < owners.Length; p++)
        {
            owners[p] = owners[p] == oldIdx ? Unowned : owners[p] > oldIdx ? owners[p] - 1 : owners[p];
        }

        var targets = Targets(ring.PartitionCount, members);
        var counts = Counts(owners, members.Length);
        int q = ring.PartitionCount;
        int start = Rotation(leaving, q);
        for (int k = 0; k < q; k++)
        {
            int p = (start + k) & (q - 1);
            if (owners[p] != Unowned)
            {
                continue;
            }

            int best = -1;
            (int, int, int, string) bestScore = default;
            for (int r = 0; r < members.Length; r++)
            {
                int deficit = targets[r] - counts[r];
                var score = (deficit > 0 ? 0 : 1, Conflicts(owners, members, p, r, spacing), -deficit, members[r].Id.Value);
                if (best < 0 || CompareOrdinal(score, bestScore) < 0)
                {
                    best = r;
                    bestScore = score;
                }
            }

            owners[p] = best;
            counts[best]++;
        }

        return new Ring(q, ring.Epoch + 1, members, owners);
    }

    /// <summary>Largest-remainder apportionment of <paramref name="q"/> partitions by capacity; ties by id.</summary>
    public static int[] Targets(int q, IReadOnlyList<RingMember> sortedMembers)
    {
        long total = sortedMembers.Sum(m => (long)m.Capacity);
        var targets = new int[sortedMembers.Count];
        var remainders = new (long Rem, int Index)[sortedMembers.Count];
        int assigned = 0;
        for (int i = 0; i < sortedMembers.Count; i++)
        {
            long share = (long)q * sortedMembers[i].Capacity;
            targets[i] = (int)(share / total);
            remainders[i] = (share % total, i);
            assigned += targets[i];
        }

        Array.Sort(remainders, static (a, b) => a.Rem != b.Rem ? b.Rem.CompareTo(a.Rem) : a.Index.CompareTo(b.Index));
        for (int k = 0; assigned < q; k++, assigned++)
        {
            targets[remainders[k % remainders.Length].Index]++;
        }

        return targets;
    }

    private static int[] Counts(int[] owners, int members)
    {
        var counts = new int[members];
        foreach (int o in owners)
        {
            if (o >= 0)
            {
                counts[o]++;
            }
        }

        return counts;
    }

    // How badly placing member m at partition p breaks spacing: a repeat of the same node within the
    // window costs far more than a repeat of its zone.
    private static int Conflicts(int[] owners, RingMember[] members, int p, int m, int spacing)
    {
        int q = owners.Length;
        int cost = 0;
        string? zone = members[m].Zone;
        for (int d = 1; d < spacing && d < q; d++)
        {
            foreach (int other in (ReadOnlySpan<int>)[owners[(p + d) & (q - 1)], owners[(p - d) & (q - 1)]])
            {
                if (other == m)
                {
                    cost += 1000;
                }
                else if (other >= 0 && zone is not null && members[other].Zone == zone)
                {
                    cost += 1;
                }
            }
        }

        return cost;
    }

    // Where a node starts scanning, so successive joins do not all favour low partitions.
    private static int Rotation(NodeId id, int q) =>
        (int)(XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(id.Value)) & (ulong)(q - 1));

    private static int CompareOrdinal((int, int, int, string) a, (int, int, int, string) b)
    {
        int c = a.Item1.CompareTo(b.Item1);
        if (c == 0)
        {
            c = a.Item2.CompareTo(b.Item2);
        }

        if (c == 0)
        {
            c = a.Item3.CompareTo(b.Item3);
        }

        return c != 0 ? c : string.CompareOrdinal(a.Item4, b.Item4);
    }
}
