using System.Text.Json;
using Dynamo.Client;

namespace Dynamo.Chaos.Cluster;

/// <summary>The router's GET /cluster: members with their status, and every partition's preference list.</summary>
public sealed record ClusterTopology(int Partitions, long RingEpoch, IReadOnlyList<ClusterTopology.Member> Nodes, IReadOnlyList<IReadOnlyList<string>> PreferenceLists)
{
    public sealed record Member(string Id, string Address, string Status, bool Available, int PartitionCount);

    public static async Task<ClusterTopology> ReadAsync(DynamoHttpClient client, CancellationToken cancellation = default)
    {
        using var doc = await client.GetClusterAsync(cancellation);
        var root = doc.RootElement;
        var nodes = root.GetProperty("nodes").EnumerateArray().Select(n => new Member(
            n.GetProperty("id").GetString()!,
            n.GetProperty("address").GetString() ?? "",
            n.GetProperty("status").GetString()!,
            n.GetProperty("available").GetBoolean(),
            n.GetProperty("partitionCount").GetInt32())).ToList();
        var lists = new List<IReadOnlyList<string>>();
        foreach (var p in root.GetProperty("preferenceLists").EnumerateArray().OrderBy(p => p.GetProperty("partition").GetInt32()))
        {
            lists.Add([.. p.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()!)]);
        }

        return new ClusterTopology(root.GetProperty("partitions").GetInt32(), root.GetProperty("ringEpoch").GetInt64(), nodes, lists);
    }

    public Member? Node(string id) => Nodes.FirstOrDefault(n => n.Id == id);

    /// <summary>Nodes that own partitions now.</summary>
    public IEnumerable<Member> RingMembers => Nodes.Where(n => n.PartitionCount > 0);

    /// <summary>The primaries of a key: its partition's preference list.</summary>
    public IReadOnlyList<string> Primaries(string table, string key) =>
        PreferenceLists[Dynamo.Core.Hashing.KeyHash.Compute(table, key).Partition(Partitions)];

    public string Describe() =>
        $"epoch {RingEpoch}: " + string.Join(", ", Nodes.OrderBy(n => n.Id, StringComparer.Ordinal).Select(n => $"{n.Id} {n.Status}{(n.Available ? "" : " unreachable")} {n.PartitionCount}p"));
}
