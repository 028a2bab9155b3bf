using Dynamo.Cart.Cluster;

namespace Dynamo.Cart.Tests.Fakes;

/// <summary>Nodes whose admin API the test controls: cut-off flags, and nodes whose process is "stopped".</summary>
public sealed class FakeNodeAdmin(params string[] nodes) : INodeAdmin
{
    private readonly HashSet<string> _isolated = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Nodes { get; } = nodes;

    public HashSet<string> Stopped { get; } = new(StringComparer.Ordinal);

    public List<string> Calls { get; } = [];

    public string? Unavailable { get; set; }

    public bool CanManage(string node) => Unavailable is null && Nodes.Contains(node);

    public bool IsIsolated(string node) => _isolated.Contains(node);

    public Task<NodeAdminStatus> StatusAsync(string node, CancellationToken cancellation = default) =>
        Stopped.Contains(node)
            ? Task.FromException<NodeAdminStatus>(new NodeAdminException($"{node} did not answer (is its process running?)."))
            : Task.FromResult(new NodeAdminStatus(_isolated.Contains(node), HintsPending: node == "node2", 5, 3, 2, 7, 1, 10, 20, "inmemory"));

    public Task IsolateAsync(string node, CancellationToken cancellation = default)
    {
        Calls.Add("isolate " + node);
        _isolated.Add(node);
        return Task.CompletedTask;
    }

    public Task ReconnectAsync(string node, CancellationToken cancellation = default)
    {
        Calls.Add("reconnect " + node);
        _isolated.Remove(node);
        return Task.CompletedTask;
    }
}
