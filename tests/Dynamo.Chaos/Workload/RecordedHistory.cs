using Dynamo.Simulation;

namespace Dynamo.Chaos.Workload;

/// <summary>
/// The simulation's <see cref="History"/>, recorded by concurrent real clients: ids are handed out and
/// outcomes set under one lock, so the checker later sees exactly what the simulator's clients would record.
/// </summary>
public sealed class RecordedHistory(RunClock clock)
{
    private readonly Lock _gate = new();
    private int _ok;
    private int _unknown;
    private int _failed;

    public History History { get; } = new();

    public int Ok => Volatile.Read(ref _ok);

    public int Unknown => Volatile.Read(ref _unknown);

    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Starts an operation; writes and set adds get the unique value "w{id}" (and element "e{id}").</summary>
    public HistoryOp Begin(string client, OpKind kind, string table, string key, IReadOnlySet<string>? readSet = null)
    {
        lock (_gate)
        {
            int id = History.NextId;
            return History.Add(new HistoryOp
            {
                Id = id,
                Client = client,
                Kind = kind,
                Table = table,
                Key = key,
                Value = kind is OpKind.Write or OpKind.SetAdd ? "w" + id : null,
                Element = kind == OpKind.SetAdd ? "e" + id : null,
                ReadSet = readSet ?? new HashSet<string>(),
                Invoked = clock.Ms,
            });
        }
    }

    public void Complete(HistoryOp op, Outcome outcome, IReadOnlyList<string>? returned = null)
    {
        lock (_gate)
        {
            op.Outcome = outcome;
            op.Completed = clock.Ms;
            if (returned is not null)
            {
                op.Returned = returned;
            }
        }

        switch (outcome)
        {
            case Outcome.Ok:
                Interlocked.Increment(ref _ok);
                break;
            case Outcome.Unknown:
                Interlocked.Increment(ref _unknown);
                break;
            default:
                Interlocked.Increment(ref _failed);
                break;
        }
    }

    /// <summary>A consistent copy of the operations so far.</summary>
    public List<HistoryOp> Snapshot()
    {
        lock (_gate)
        {
            return [.. History.Ops];
        }
    }
}
