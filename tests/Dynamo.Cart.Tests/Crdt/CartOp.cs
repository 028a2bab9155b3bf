namespace Dynamo.Cart.Tests.Crdt;

/// <summary>What a tab does to its copy of the cart.</summary>
public enum OpKind
{
    Add,
    Set,
    Remove,
    Clear,
    MergeFrom,
}

/// <summary>One step of a history: tab <see cref="Replica"/> changes its copy, or merges another tab's copy in.</summary>
public sealed record CartOp(int Replica, OpKind Kind, string Sku, int Quantity, int From);
