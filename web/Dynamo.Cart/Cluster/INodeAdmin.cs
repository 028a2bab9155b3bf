namespace Dynamo.Cart.Cluster;

/// <summary>
/// The storage nodes' secured admin API (DESIGN §7): status and fault injection. Stopping and starting a
/// node's process is the orchestrator's job (the Aspire dashboard), not the cart's.
/// </summary>
public interface INodeAdmin
{
    /// <summary>The nodes the cart can reach (those the AppHost referenced).</summary>
    IReadOnlyList<string> Nodes { get; }

    /// <summary>Null when admin calls are possible; otherwise why not (no admin key configured).</summary>
    string? Unavailable { get; }

    bool CanManage(string node);

    Task<NodeAdminStatus> StatusAsync(string node, CancellationToken cancellation = default);

    /// <summary>Cuts the node off: it refuses every cluster call and its own calls fail (a network partition).</summary>
    Task IsolateAsync(string node, CancellationToken cancellation = default);

    Task ReconnectAsync(string node, CancellationToken cancellation = default);
}
