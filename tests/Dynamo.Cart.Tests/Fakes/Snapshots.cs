using Dynamo.Cart.Cluster;

namespace Dynamo.Cart.Tests.Fakes;

/// <summary>Cluster views for tests: partitions dealt round-robin, preference lists by walking the ring.</summary>
public static class Snapshots
{
    public static ClusterSnapshot Ring(string[] nodes, int partitions, IReadOnlyCollection<string>? down = null, int n = 3)
    {
        down ??= [];
        var owners = Enumerable.Range(0, partitions).Select(p => nodes[p % nodes.Length]).ToArray();
        var lists = Enumerable.Range(0, partitions)
            .Select(p => (IReadOnlyList<string>)[.. Enumerable.Range(0, partitions).Select(s => owners[(p + s) % partitions]).Distinct().Take(n)])
            .ToArray();
        var members = nodes.Select(id => new ClusterNode(id, "http://localhost/" + id, "up", !down.Contains(id), down.Contains(id) ? 12.5 : 0.4, null, 1, owners.Count(o => o == id))).ToList();
        return new ClusterSnapshot(partitions, 3, n, members, owners, lists, DateTimeOffset.UnixEpoch);
    }
}
