namespace Dynamo.Chaos.Workload;

/// <summary>
/// The keys clients work on: a few hundred read-modify-write keys, of which a handful are hot so that
/// concurrent writes to one key (and so siblings) really happen, and a few set keys.
/// </summary>
public sealed class KeySpace(int kvKeys, int setKeys)
{
    public const string KvTable = Simulation.Workload.KvTable;
    public const string SetTable = Simulation.Workload.SetTable;
    private const int HotKeys = 8;
    private const double HotShare = 0.3;

    public IReadOnlyList<string> Kv { get; } = [.. Enumerable.Range(0, kvKeys).Select(i => "k" + i)];

    public IReadOnlyList<string> Sets { get; } = [.. Enumerable.Range(0, setKeys).Select(i => "s" + i)];

    public IEnumerable<(string Table, string Key)> All =>
        Kv.Select(k => (KvTable, k)).Concat(Sets.Select(k => (SetTable, k)));

    public string PickKv(Random random) =>
        random.NextDouble() < HotShare ? Kv[random.Next(Math.Min(HotKeys, Kv.Count))] : Kv[random.Next(Kv.Count)];

    public string PickSet(Random random) => Sets[random.Next(Sets.Count)];
}
