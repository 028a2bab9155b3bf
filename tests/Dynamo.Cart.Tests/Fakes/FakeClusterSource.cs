using Dynamo.Cart.Cluster;

namespace Dynamo.Cart.Tests.Fakes;

/// <summary>A router's view the test sets: a snapshot, or an error.</summary>
public sealed class FakeClusterSource : IClusterSource
{
    public ClusterSnapshot Snapshot { get; set; } = Snapshots.Ring(["node1", "node2", "node3"], 16);

    public string? Error { get; set; }

    public Task<ClusterSnapshot> GetAsync(CancellationToken cancellation = default) =>
        Error is null ? Task.FromResult(Snapshot) : Task.FromException<ClusterSnapshot>(new HttpRequestException(Error));
}
