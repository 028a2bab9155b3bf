using Dynamo.Simulation;

namespace Dynamo.Chaos.Workload;

/// <summary>
/// Every write carries a unique value, so one value showing up twice among the siblings of a read means
/// one client write became two versions: it was applied twice (a request retried after it may already
/// have been applied). The checker sees the symptom later (a superseded copy returns as a sibling of the
/// write that read it); this names the cause.
/// </summary>
public static class DuplicateVersions
{
    public static List<string> Find(IEnumerable<HistoryOp> history, IReadOnlyDictionary<(string Table, string Key), Checker.FinalState> final)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var read in history.Where(o => o.Kind == OpKind.Read && o.Outcome == Outcome.Ok))
        {
            foreach (var twice in read.Returned.GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                found.TryAdd(twice.Key, $"{twice.Key} came back {twice.Count()} times among the siblings of {read}");
            }
        }

        foreach (var ((table, key), state) in final)
        {
            foreach (var twice in state.Values.GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                found.TryAdd(twice.Key, $"{twice.Key} is {twice.Count()} times among the final siblings of {table}/{key}");
            }
        }

        return [.. found.Values.Select(f => "write applied twice: " + f)];
    }
}
