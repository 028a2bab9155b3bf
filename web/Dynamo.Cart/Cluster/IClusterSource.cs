namespace Dynamo.Cart.Cluster;

/// <summary>Where the cluster view comes from (the router's GET /cluster; a fake in component tests).</summary>
public interface IClusterSource
{
    Task<ClusterSnapshot> GetAsync(CancellationToken cancellation = default);
}
