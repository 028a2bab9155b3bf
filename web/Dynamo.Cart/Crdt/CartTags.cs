namespace Dynamo.Cart.Crdt;

/// <summary>
/// Unique tags for additions. A random GUID is unique without coordination between tabs, processes or
/// replicas, which is what an observed-remove set needs: a remove names exactly the additions it saw,
/// so a tag must never be reused by an addition it did not see.
/// </summary>
public static class CartTags
{
    /// <summary>22 characters: the GUID's 16 bytes in base64url.</summary>
    public static string New() => Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
