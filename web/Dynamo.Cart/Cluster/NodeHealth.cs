namespace Dynamo.Cart.Cluster;

/// <summary>A node's admin status at the last poll, or why it could not be read (process stopped?).</summary>
public sealed record NodeHealth(NodeAdminStatus? Status, string? Error);
