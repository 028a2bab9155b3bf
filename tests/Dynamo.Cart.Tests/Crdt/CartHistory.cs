using CsCheck;
using Dynamo.Cart.Crdt;

namespace Dynamo.Cart.Tests.Crdt;

/// <summary>
/// Random concurrent histories of a cart: several tabs, each with its own copy, making changes and
/// merging each other's copies at random, as siblings do. Running one records what an observed-remove
/// set must end with: every tag created, and every tag a change or remove had observed (and so cancels).
/// </summary>
public sealed class CartHistory
{
    public const int Replicas = 3;
    public static readonly string[] Skus = ["apple", "pear", "coffee", "lamp"];

    public static readonly Gen<CartOp> GenOp = Gen.Select(Gen.Int[0, Replicas - 1], Gen.Int[0, 9], Gen.Int[0, Skus.Length - 1], Gen.Int[1, 5], Gen.Int[0, Replicas - 1])
        .Select((r, k, s, q, from) => new CartOp(r, k switch
        {
            <= 2 => OpKind.Add,
            <= 4 => OpKind.Set,
            <= 5 => OpKind.Remove,
            6 => OpKind.Clear,
            _ => OpKind.MergeFrom,
        }, Skus[s], q, from));

    public static readonly Gen<CartOp[]> Histories = GenOp.Array[1, 40];

    private CartHistory()
    {
    }

    public CartState[] Copies { get; } = Enumerable.Repeat(CartState.Empty, Replicas).ToArray();

    /// <summary>Every state any tab held, in order.</summary>
    public List<CartState> Seen { get; } = [CartState.Empty];

    public HashSet<string> Created { get; } = new(StringComparer.Ordinal);

    /// <summary>Tags some change or remove had observed (in its tab's copy) and therefore cancelled.</summary>
    public HashSet<string> Cancelled { get; } = new(StringComparer.Ordinal);

    public static CartHistory Run(IEnumerable<CartOp> ops)
    {
        var h = new CartHistory();
        int i = 0;
        foreach (var op in ops)
        {
            string tag = "t" + i++;
            var s = h.Copies[op.Replica];
            IEnumerable<string> Observed(string sku) => s.Entries.Where(e => e.Sku == sku).Select(e => e.Tag);
            switch (op.Kind)
            {
                case OpKind.Add:
                    h.Cancelled.UnionWith(Observed(op.Sku));
                    s = s.Add(op.Sku, op.Quantity, tag);
                    h.Created.Add(tag);
                    break;
                case OpKind.Set:
                    h.Cancelled.UnionWith(Observed(op.Sku));
                    s = s.Set(op.Sku, op.Quantity, tag);
                    h.Created.Add(tag);
                    break;
                case OpKind.Remove:
                    h.Cancelled.UnionWith(Observed(op.Sku));
                    s = s.Remove(op.Sku);
                    break;
                case OpKind.Clear:
                    h.Cancelled.UnionWith(s.Entries.Select(e => e.Tag));
                    s = s.Clear();
                    break;
                default:
                    s = s.Merge(h.Copies[op.From]);
                    break;
            }

            h.Copies[op.Replica] = s;
            h.Seen.Add(s);
        }

        return h;
    }
}
