namespace Dynamo.Simulation;

/// <summary>
/// Checks a run's history against its final state (DESIGN §10).
///
/// Lost write: an acknowledged write w is lost when, after heal, anti-entropy and a final read at R = N,
/// w is not among the final siblings and nothing legitimately superseded it. A write is superseded by an
/// operation whose client had read it, directly or through a chain: a delete (its effect may have
/// landed even if unacknowledged, Dynamo has no rollback), an acknowledged write, or an unacknowledged
/// write that itself survives or was superseded the same way.
///
/// Resurrection: a value that an acknowledged delete or write had read (and so covered) is back in the
/// final state. Sibling bound: no two siblings of any read may be causally ordered (one read the other);
/// siblings are only truly concurrent writes. Duplicates: a value twice among the siblings of a read means
/// one write was applied twice (as two versions). Set workload: every acknowledged element is in the
/// union of the final siblings.
/// </summary>
public sealed class Checker
{
    private readonly History _history;
    private readonly IReadOnlyDictionary<(string Table, string Key), FinalState> _final;
    private readonly Dictionary<string, HistoryOp> _byValue = [];
    private readonly Dictionary<string, List<HistoryOp>> _readers = [];
    private readonly Dictionary<string, bool> _survives = [];
    private readonly Dictionary<string, HashSet<string>> _past = [];

    public sealed record FinalState(IReadOnlyList<string> Values, IReadOnlySet<string> Elements);

    public Checker(History history, IReadOnlyDictionary<(string Table, string Key), FinalState> final)
    {
        _history = history;
        _final = final;
        foreach (var op in history.Ops)
        {
            if (op.Value is not null)
            {
                _byValue[op.Value] = op;
            }

            if (op.Kind != OpKind.Read)
            {
                foreach (var v in op.ReadSet)
                {
                    if (!_readers.TryGetValue(v, out var list))
                    {
                        _readers[v] = list = [];
                    }

                    list.Add(op);
                }
            }
        }
    }

    public List<string> LostWrites { get; } = [];

    public List<string> Resurrections { get; } = [];

    public List<string> SiblingViolations { get; } = [];

    public List<string> LostElements { get; } = [];

    public List<string> Rejections { get; } = [];

    public List<string> Duplicates { get; } = [];

    public int AcknowledgedWrites { get; private set; }

    public bool Passed => LostWrites.Count == 0 && Resurrections.Count == 0 && SiblingViolations.Count == 0 && LostElements.Count == 0 && Rejections.Count == 0 && Duplicates.Count == 0;

    public Checker Run()
    {
        foreach (var op in _history.Ops)
        {
            if (op.Outcome == Outcome.Failed)
            {
                Rejections.Add($"the cluster rejected a well-formed request: {op}");
            }

            if (op.Value is not null && op.Outcome == Outcome.Ok)
            {
                AcknowledgedWrites++;
                if (!Survives(op))
                {
                    LostWrites.Add($"acknowledged write lost: {op}; final [{string.Join(",", FinalOf(op).Values)}]");
                }
            }
        }

        foreach (var ((table, key), state) in _final)
        {
            foreach (var v in state.Values)
            {
                if (_readers.TryGetValue(v, out var readers))
                {
                    foreach (var r in readers.Where(r => r.Outcome == Outcome.Ok))
                    {
                        Resurrections.Add($"{table}/{key}: {v} is back although {r} covered it");
                    }
                }
            }

            CheckConcurrent($"final {table}/{key}", state.Values);
        }

        foreach (var read in _history.Ops.Where(o => o.Kind == OpKind.Read && o.Outcome == Outcome.Ok))
        {
            CheckConcurrent(read.ToString(), read.Returned);
        }

        foreach (var add in _history.Ops.Where(o => o.Kind == OpKind.SetAdd && o.Outcome == Outcome.Ok))
        {
            if (!FinalOf(add).Elements.Contains(add.Element!))
            {
                LostElements.Add($"acknowledged element {add.Element} missing from {add.Table}/{add.Key}: {add}");
            }
        }

        return this;
    }

    private FinalState FinalOf(HistoryOp op) =>
        _final.TryGetValue((op.Table, op.Key), out var s) ? s : new FinalState([], new HashSet<string>());

    private bool Survives(HistoryOp op)
    {
        var value = op.Value!;
        if (_survives.TryGetValue(value, out bool known))
        {
            return known;
        }

        // Cycles are impossible (a read precedes the write it informs), but guard the recursion anyway.
        _survives[value] = false;
        bool result = FinalOf(op).Values.Contains(value)
            || (_readers.TryGetValue(value, out var readers)
                && readers.Any(r => r.Kind == OpKind.Delete || r.Outcome == Outcome.Ok || (r.Value is not null && Survives(r))));
        _survives[value] = result;
        return result;
    }

    /// <summary>Every write id that <paramref name="value"/>'s writer had seen, transitively.</summary>
    private HashSet<string> Past(string value)
    {
        if (_past.TryGetValue(value, out var past))
        {
            return past;
        }

        past = [];
        _past[value] = past;
        if (_byValue.TryGetValue(value, out var op))
        {
            foreach (var v in op.ReadSet)
            {
                past.Add(v);
                past.UnionWith(Past(v));
            }
        }

        return past;
    }

    private void CheckConcurrent(string where, IReadOnlyList<string> siblings)
    {
        foreach (var twice in siblings.GroupBy(v => v).Where(g => g.Count() > 1))
        {
            Duplicates.Add($"{where}: {twice.Key} was applied {twice.Count()} times");
        }

        for (int i = 0; i < siblings.Count; i++)
        {
            for (int j = 0; j < siblings.Count; j++)
            {
                if (i != j && Past(siblings[j]).Contains(siblings[i]))
                {
                    SiblingViolations.Add($"{where}: sibling {siblings[i]} was already seen by sibling {siblings[j]}'s writer");
                }
            }
        }
    }
}
