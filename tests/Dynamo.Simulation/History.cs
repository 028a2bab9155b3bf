namespace Dynamo.Simulation;

public enum OpKind
{
    Read,
    Write,
    Delete,
    SetAdd,
}

/// <summary>
/// What a client knows of an operation's effect. <see cref="Unknown"/> covers timeouts and 503s: in
/// Dynamo a write that missed its quorum may still have reached some replicas (no rollback), so it may or
/// may not be visible later, and neither outcome is an error.
/// </summary>
public enum Outcome
{
    Pending,
    Ok,
    Failed,
    Unknown,
}

/// <summary>One client operation with what the client had read before it (DESIGN §10's "context").</summary>
public sealed class HistoryOp
{
    public required int Id { get; init; }

    public required string Client { get; init; }

    public required OpKind Kind { get; init; }

    public required string Table { get; init; }

    public required string Key { get; init; }

    /// <summary>The unique value written ("w{Id}"), for writes.</summary>
    public string? Value { get; init; }

    /// <summary>For set adds: the element added.</summary>
    public string? Element { get; init; }

    /// <summary>Write ids of the siblings the client had read just before this write or delete.</summary>
    public IReadOnlySet<string> ReadSet { get; init; } = new HashSet<string>();

    public Outcome Outcome { get; set; } = Outcome.Pending;

    public long Invoked { get; init; }

    public long Completed { get; set; }

    /// <summary>For reads: the write ids of the siblings returned.</summary>
    public IReadOnlyList<string> Returned { get; set; } = [];

    public override string ToString() =>
        $"#{Id} {Client} {Kind} {Table}/{Key}{(Value is null ? "" : " " + Value)} read[{string.Join(",", ReadSet.Order(StringComparer.Ordinal))}] -> {Outcome}{(Kind == OpKind.Read ? " [" + string.Join(",", Returned) + "]" : "")} @{Invoked}..{Completed}";
}

public sealed class History
{
    private readonly List<HistoryOp> _ops = [];

    public IReadOnlyList<HistoryOp> Ops => _ops;

    public HistoryOp Add(HistoryOp op)
    {
        _ops.Add(op);
        return op;
    }

    public int NextId => _ops.Count + 1;
}
