namespace Dynamo.Core.Runtime;

/// <summary>
/// An in-flight exchange driven by responses and deadlines: a coordinated read or write, a forward, a
/// hint delivery, a handoff batch, an anti-entropy exchange. It is the unit the node's state machine
/// routes responses to, as riak_kv's get/put FSMs are.
/// </summary>
internal abstract class Operation
{
    private readonly List<long> _requests = [];

    public long Id { get; set; }

    public bool Finished { get; private set; }

    internal List<long> Requests => _requests;

    /// <summary>Delay of the request deadline still to arm when the first replica deadline fires (0: none).</summary>
    internal long RequestDeadlineAfterReplica { get; set; }

    public abstract void OnResponse(NodeId from, long requestId, Message response);

    public abstract void OnDeadline(OperationDeadline kind);

    /// <summary>Called once by <see cref="Operations.Finish"/>.</summary>
    protected internal virtual void OnFinished()
    {
    }

    internal void MarkFinished() => Finished = true;
}

/// <summary>The node's table of in-flight operations, by operation id and by request id.</summary>
internal sealed class Operations
{
    private readonly NodeContext _ctx;
    private readonly Dictionary<long, Operation> _byId = [];
    private readonly Dictionary<long, Operation> _byRequest = [];

    public Operations(NodeContext ctx) => _ctx = ctx;

    public int Count => _byId.Count;

    public void Start(Operation op)
    {
        op.Id = _ctx.NextRequestId();
        _byId[op.Id] = op;
    }

    /// <summary>Sends a request on behalf of <paramref name="op"/>; its response will be routed to it.</summary>
    public long Send(Operation op, NodeId to, Func<long, Message> request) =>
        Send(op, to, request, static (id, make) => make(id));

    /// <summary><see cref="Send(Operation, NodeId, Func{long, Message})"/> with a static factory and its state: no closure per replica call.</summary>
    public long Send<TState>(Operation op, NodeId to, TState state, Func<long, TState, Message> request)
    {
        long id = _ctx.NextRequestId();
        _byRequest[id] = op;
        op.Requests.Add(id);
        _ctx.Send(to, request(id, state));
        return id;
    }

    public void Deadline(Operation op, long delayMs, OperationDeadline kind) =>
        _ctx.After(delayMs, new OperationTimer(op.Id, kind));

    /// <summary>
    /// A replica deadline after <paramref name="replicaMs"/> and a request deadline after
    /// <paramref name="requestMs"/>, with one timer at a time: the request deadline is armed when the
    /// replica deadline fires, and only if the operation is still running then. Almost every operation
    /// ends before its replica deadline, so a busy node keeps one pending timer per request instead of
    /// two, and none of the long ones (measured: the runtime's timer queue cost 3.7 % of the CPU).
    /// </summary>
    public void Deadlines(Operation op, long replicaMs, long requestMs)
    {
        op.RequestDeadlineAfterReplica = Math.Max(1, requestMs - replicaMs);
        Deadline(op, replicaMs, OperationDeadline.Replica);
    }

    public bool Route(NodeId from, IResponse response)
    {
        // One response per request: a duplicated or late copy finds nothing (the network may duplicate).
        if (!_byRequest.Remove(response.RequestId, out var op) || op.Finished)
        {
            return false;
        }

        op.OnResponse(from, response.RequestId, (Message)response);
        return true;
    }

    public void Fire(OperationTimer timer)
    {
        if (_byId.TryGetValue(timer.OperationId, out var op) && !op.Finished)
        {
            if (timer.Kind == OperationDeadline.Replica && op.RequestDeadlineAfterReplica > 0)
            {
                Deadline(op, op.RequestDeadlineAfterReplica, OperationDeadline.Request);
                op.RequestDeadlineAfterReplica = 0;
            }

            op.OnDeadline(timer.Kind);
        }
    }

    public void Finish(Operation op)
    {
        if (op.Finished)
        {
            return;
        }

        op.MarkFinished();
        _byId.Remove(op.Id);
        foreach (long r in op.Requests)
        {
            _byRequest.Remove(r);
        }

        op.OnFinished();
    }
}
