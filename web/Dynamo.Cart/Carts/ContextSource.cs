namespace Dynamo.Cart.Carts;

/// <summary>Where the context this tab holds came from.</summary>
public enum ContextSource
{
    /// <summary>No read or write has succeeded yet: a write now becomes a sibling of whatever is stored.</summary>
    None,

    /// <summary>The last read: it covers every version that read returned.</summary>
    Read,

    /// <summary>The last write: it covers the version this tab wrote (and what that write had seen).</summary>
    Write,
}
