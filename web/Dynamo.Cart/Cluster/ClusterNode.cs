namespace Dynamo.Cart.Cluster;

/// <summary>A storage node as the router sees it: ring status from gossip, reachability from phi-accrual.</summary>
public sealed record ClusterNode(string Id, string Address, string Status, bool Available, double Phi, string? Zone, int Capacity, int PartitionCount)
{
    /// <summary>In the ring and answering: what a visitor calls "up".</summary>
    public bool IsHealthy => Available && Status is "up" or "leaving";
}
