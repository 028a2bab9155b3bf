using Dynamo.Client;

namespace Dynamo.Cart.Cluster;

/// <summary>GET /cluster on the router.</summary>
public sealed class RouterClusterSource(DynamoHttpClient router, TimeProvider time) : IClusterSource
{
    public async Task<ClusterSnapshot> GetAsync(CancellationToken cancellation = default)
    {
        using var doc = await router.GetClusterAsync(cancellation);
        return ClusterSnapshot.Parse(doc.RootElement, time.GetUtcNow());
    }
}
