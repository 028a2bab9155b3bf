namespace Dynamo.Cart.Crdt;

/// <summary>A stored value that is not a cart document this version can read.</summary>
public sealed class CartFormatException : Exception
{
    public CartFormatException()
    {
    }

    public CartFormatException(string message)
        : base(message)
    {
    }

    public CartFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
