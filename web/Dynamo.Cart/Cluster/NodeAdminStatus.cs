using System.Text.Json;

namespace Dynamo.Cart.Cluster;

/// <summary>
/// A node's own report (GET /admin/status): whether it is cut off by fault injection, whether it holds
/// hints for others, and the counters that show the cluster healing: hints stored and delivered, read
/// repairs, keys exchanged by anti-entropy, siblings returned.
/// </summary>
public sealed record NodeAdminStatus(
    bool Isolated,
    bool HintsPending,
    long HintsStored,
    long HintsDelivered,
    long ReadRepairs,
    long AntiEntropyKeysExchanged,
    long SiblingsReturned,
    long Reads,
    long Writes,
    string Engine)
{
    public static NodeAdminStatus Parse(JsonElement root)
    {
        var stats = root.TryGetProperty("stats", out var s) ? s : default;
        return new NodeAdminStatus(
            root.TryGetProperty("isolated", out var i) && i.ValueKind == JsonValueKind.True,
            root.TryGetProperty("hintsPending", out var h) && h.ValueKind == JsonValueKind.True,
            Stat(stats, "hintsStored"),
            Stat(stats, "hintsDelivered"),
            Stat(stats, "readRepairs"),
            Stat(stats, "antiEntropyKeysExchanged"),
            Stat(stats, "siblingsReturned"),
            Stat(stats, "reads"),
            Stat(stats, "writes"),
            root.TryGetProperty("engine", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : "");
    }

    private static long Stat(JsonElement stats, string name) =>
        stats.ValueKind == JsonValueKind.Object && stats.TryGetProperty(name, out var v) && v.TryGetInt64(out long n) ? n : 0;
}
