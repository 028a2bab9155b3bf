namespace Dynamo.Cart.Cluster;

/// <summary>A node in a key's placement, with its state right now.</summary>
public sealed record PlacedReplica(string Node, ClusterNode? Info, string? StandIn, string? StandsInFor)
{
    public bool Available => Info?.IsHealthy == true;
}
