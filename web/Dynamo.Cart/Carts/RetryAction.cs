namespace Dynamo.Cart.Carts;

/// <summary>What Retry does for a problem.</summary>
public enum RetryAction
{
    /// <summary>Read the cart again.</summary>
    Read,

    /// <summary>Send this tab's unsaved changes again.</summary>
    Write,
}
