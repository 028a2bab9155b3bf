namespace Dynamo.Cart.Cluster;

/// <summary>An admin call a node refused or did not answer, with a message for the visitor.</summary>
public sealed class NodeAdminException : Exception
{
    public NodeAdminException()
    {
    }

    public NodeAdminException(string message)
        : base(message)
    {
    }

    public NodeAdminException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
