using System.Text.Json;

namespace Dynamo.Cart.Cluster;

/// <summary>
/// The router's GET /cluster at one moment: the members, which node owns each of the Q partitions, and
/// each partition's preference list (its N primaries).
/// </summary>
public sealed record ClusterSnapshot(
    int PartitionCount,
    long RingEpoch,
    int DefaultN,
    IReadOnlyList<ClusterNode> Nodes,
    IReadOnlyList<string> Owners,
    IReadOnlyList<IReadOnlyList<string>> PreferenceLists,
    DateTimeOffset At)
{
    public ClusterNode? Node(string id) => Nodes.FirstOrDefault(n => string.Equals(n.Id, id, StringComparison.Ordinal));

    /// <summary>Parses the router's JSON (DESIGN §6); unknown fields are ignored, missing ones are defaults.</summary>
    public static ClusterSnapshot Parse(JsonElement root, DateTimeOffset at)
    {
        int q = root.TryGetProperty("partitions", out var p) && p.TryGetInt32(out int pc) ? pc : 0;
        long epoch = root.TryGetProperty("ringEpoch", out var e) && e.TryGetInt64(out long ep) ? ep : 0;
        int n = root.TryGetProperty("replication", out var rep) && rep.TryGetProperty("n", out var rn) && rn.TryGetInt32(out int nn) ? nn : 3;

        var nodes = new List<ClusterNode>();
        if (root.TryGetProperty("nodes", out var ns) && ns.ValueKind == JsonValueKind.Array)
        {
            foreach (var node in ns.EnumerateArray())
            {
                nodes.Add(new ClusterNode(
                    Str(node, "id") ?? "?",
                    Str(node, "address") ?? "",
                    Str(node, "status") ?? "unknown",
                    node.TryGetProperty("available", out var a) && a.ValueKind == JsonValueKind.True,
                    node.TryGetProperty("phi", out var phi) && phi.TryGetDouble(out double ph) ? ph : 0,
                    Str(node, "zone") is { Length: > 0 } zone ? zone : null,
                    node.TryGetProperty("capacity", out var c) && c.TryGetInt32(out int cap) ? cap : 1,
                    node.TryGetProperty("partitionCount", out var pcount) && pcount.TryGetInt32(out int pcn) ? pcn : 0));
            }
        }

        var owners = new string[q];
        var lists = new IReadOnlyList<string>[q];
        Array.Fill(owners, "");
        Array.Fill(lists, []);
        if (root.TryGetProperty("preferenceLists", out var pls) && pls.ValueKind == JsonValueKind.Array)
        {
            foreach (var pl in pls.EnumerateArray())
            {
                if (pl.TryGetProperty("partition", out var idx) && idx.TryGetInt32(out int i) && (uint)i < (uint)q)
                {
                    owners[i] = Str(pl, "owner") ?? "";
                    lists[i] = pl.TryGetProperty("nodes", out var pn) && pn.ValueKind == JsonValueKind.Array
                        ? [.. pn.EnumerateArray().Select(x => x.GetString() ?? "")]
                        : [];
                }
            }
        }

        return new ClusterSnapshot(q, epoch, n, [.. nodes.OrderBy(x => x.Id, StringComparer.Ordinal)], owners, lists, at);
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
