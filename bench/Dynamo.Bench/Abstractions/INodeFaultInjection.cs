namespace Dynamo.Bench.Abstractions;

/// <summary>
/// Optional capability of a multi-node <see cref="IBenchSystem"/>: lets the node-failure run
/// (see <c>Hooks/IBenchHook.cs</c>) crash one node in the middle of a measurement and bring it
/// back. Node indices are 0..NodeNames.Count-1.
/// </summary>
public interface INodeFaultInjection
{
    IReadOnlyList<string> NodeNames { get; }

    /// <summary>Kills the node's process(es) with SIGKILL (a crash, not a graceful stop).</summary>
    Task KillNodeAsync(int index, CancellationToken ct);

    /// <summary>Starts the node again with the same data directory and ports.</summary>
    Task RestartNodeAsync(int index, CancellationToken ct);
}

/// <summary>
/// Optional capability: the OS process ids of the storage nodes, so a hook can read their
/// resident set size (<see cref="Infrastructure.ProcessMemory"/>).
/// </summary>
public interface INodeProcesses
{
    IReadOnlyList<int> NodeProcessIds { get; }
}

/// <summary>
/// Optional capability: every server process of the system (storage nodes plus routers, seeds...)
/// whose CPU time the measurement charges to the system. Without it the bench uses
/// <see cref="INodeProcesses.NodeProcessIds"/>.
/// </summary>
public interface IServerProcesses
{
    IReadOnlyList<int> ServerProcessIds { get; }
}

/// <summary>
/// Optional capability: counters the system's clients kept (e.g. reads that returned siblings),
/// stored in the JSON entry of the system as "client_stats" after each workload.
/// </summary>
public interface IReportsStats
{
    System.Text.Json.Nodes.JsonObject Stats();
}
