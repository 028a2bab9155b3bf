namespace Dynamo.Core.Partitioning;

/// <summary>
/// The nodes responsible for a key (paper §4.3): the first N distinct physical nodes met walking the
/// ring clockwise from the key's partition, skipping further positions of a node already chosen. When
/// nodes carry zones, nodes of a zone not yet used are preferred so replicas span zones (§4.6 "nodes
/// spread across data centers"). The fallbacks are the following distinct nodes in walk order: the
/// sloppy quorum sends a down primary's writes to the first healthy one (§4.6, hinted handoff).
/// </summary>
public sealed class PreferenceList
{
    /// <summary>How many fallback nodes are kept beyond the N primaries.</summary>
    public const int MaxFallbacks = 16;

    private readonly NodeId[] _primaries;

    private PreferenceList(int partition, NodeId[] primaries, NodeId[] fallbacks)
    {
        Partition = partition;
        _primaries = primaries;
        Primaries = primaries;
        Fallbacks = fallbacks;
    }

    public int Partition { get; }

    public IReadOnlyList<NodeId> Primaries { get; }

    public IReadOnlyList<NodeId> Fallbacks { get; }

    // On the array, not the interface: asked several times per request, and an interface foreach allocates.
    public bool IsPrimary(NodeId node)
    {
        foreach (var p in _primaries)
        {
            if (p == node)
            {
                return true;
            }
        }

        return false;
    }

    internal static PreferenceList Compute(Ring ring, int partition, int n)
    {
        int members = ring.Members.Count;
        n = Math.Clamp(n, 0, members);
        bool zoned = ring.Members.Any(m => m.Zone is not null);

        // Distinct nodes in walk order; the walk stops early once the answer cannot change.
        var walk = new List<int>(Math.Min(members, n + MaxFallbacks));
        var seen = new bool[members];
        var zonesUsed = new HashSet<string>(StringComparer.Ordinal);
        int primariesByZone = 0;
        for (int step = 0; step < ring.PartitionCount && walk.Count < members; step++)
        {
            int owner = ring.OwnerIndex((partition + step) & (ring.PartitionCount - 1));
            if (seen[owner])
            {
                continue;
            }

            seen[owner] = true;
            walk.Add(owner);
            if (zoned && primariesByZone < n && NewZone(ring.Members[owner], zonesUsed))
            {
                primariesByZone++;
            }

            bool primariesSettled = !zoned || primariesByZone == n;
            if (primariesSettled && walk.Count >= n + MaxFallbacks)
            {
                break;
            }
        }

        var primaries = new List<int>(n);
        if (zoned)
        {
            zonesUsed.Clear();
            foreach (int idx in walk)
            {
                if (primaries.Count < n && NewZone(ring.Members[idx], zonesUsed))
                {
                    primaries.Add(idx);
                }
            }
        }

        foreach (int idx in walk)
        {
            if (primaries.Count >= n)
            {
                break;
            }

            if (!primaries.Contains(idx))
            {
                primaries.Add(idx);
            }
        }

        // Primaries keep walk order, so the first healthy primary is the natural coordinator.
        primaries.Sort((a, b) => walk.IndexOf(a).CompareTo(walk.IndexOf(b)));
        var fallbacks = walk.Where(i => !primaries.Contains(i)).Take(MaxFallbacks);
        return new PreferenceList(
            partition,
            [.. primaries.Select(i => ring.Members[i].Id)],
            [.. fallbacks.Select(i => ring.Members[i].Id)]);
    }

    // A node without a zone counts as a zone of its own.
    private static bool NewZone(RingMember m, HashSet<string> used) => m.Zone is null ? true : used.Add(m.Zone);

    public override string ToString() => $"p{Partition}: [{string.Join(", ", Primaries)}] + [{string.Join(", ", Fallbacks)}]";
}
