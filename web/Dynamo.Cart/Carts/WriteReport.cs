namespace Dynamo.Cart.Carts;

/// <summary>The last successful write: what, when, how big, and whether it carried a context.</summary>
public sealed record WriteReport(DateTimeOffset At, string What, int Bytes, bool WithContext);
