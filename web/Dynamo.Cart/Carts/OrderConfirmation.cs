using Dynamo.Cart.Crdt;

namespace Dynamo.Cart.Carts;

/// <summary>A placed order, shown once after checkout.</summary>
public sealed record OrderConfirmation(string Number, IReadOnlyList<CartLine> Lines, decimal Total, DateTimeOffset At);
