using Dynamo.Cart.Crdt;

namespace Dynamo.Cart.Carts;

/// <summary>One version a read returned: decoded, or null when the value was not a cart document.</summary>
public sealed record SiblingView(int Number, CartState? State, int Bytes);
