using Dynamo.Core.Hashing;

namespace Dynamo.Cart.Cluster;

/// <summary>
/// Where a key lives right now (paper §4.3, §4.6): its partition (the top bits of XxHash128(table, key),
/// as the nodes compute it), the N primaries of the partition's preference list, and the fallbacks, the
/// next distinct nodes clockwise. A primary that is down has a stand-in: the first healthy fallback, which
/// takes its writes with a hint naming it (sloppy quorum, hinted handoff). The coordinator is the first
/// healthy primary, as the router picks it.
/// </summary>
public sealed record KeyPlacement(int Partition, int PartitionCount, IReadOnlyList<PlacedReplica> Primaries, IReadOnlyList<PlacedReplica> Fallbacks, string? Coordinator)
{
    private const int MaxFallbacks = 4;

    public static KeyPlacement? Of(ClusterSnapshot cluster, string table, string key, int n)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        int q = cluster.PartitionCount;
        if (q == 0 || cluster.Owners.All(string.IsNullOrEmpty))
        {
            return null;
        }

        int partition = KeyHash.Compute(table, key).Partition(q);

        // Distinct owners walking clockwise from the key's partition.
        var walk = new List<string>();
        for (int step = 0; step < q && walk.Count < cluster.Nodes.Count + 1; step++)
        {
            string owner = cluster.Owners[(partition + step) % q];
            if (owner.Length > 0 && !walk.Contains(owner))
            {
                walk.Add(owner);
            }
        }

        // The router's list is authoritative for the primaries (it knows zones); the walk gives the rest.
        var listed = cluster.PreferenceLists[partition];
        var primaries = (listed.Count >= n ? listed.Take(n) : walk.Take(n)).ToList();
        var fallbacks = walk.Where(w => !primaries.Contains(w)).Take(MaxFallbacks).ToList();

        var standIns = new Dictionary<string, string>(StringComparer.Ordinal);
        var spare = new Queue<string>(fallbacks.Where(f => cluster.Node(f)?.IsHealthy == true));
        foreach (var p in primaries.Where(p => cluster.Node(p)?.IsHealthy != true))
        {
            if (spare.TryDequeue(out var f))
            {
                standIns[p] = f;
            }
        }

        var placedPrimaries = primaries.Select(p => new PlacedReplica(p, cluster.Node(p), standIns.GetValueOrDefault(p), null)).ToList();
        var placedFallbacks = fallbacks.Select(f => new PlacedReplica(f, cluster.Node(f), null, standIns.FirstOrDefault(kv => kv.Value == f).Key)).ToList();
        string? coordinator = placedPrimaries.FirstOrDefault(p => p.Available)?.Node ?? placedFallbacks.FirstOrDefault(f => f.Available)?.Node;
        return new KeyPlacement(partition, q, placedPrimaries, placedFallbacks, coordinator);
    }
}
