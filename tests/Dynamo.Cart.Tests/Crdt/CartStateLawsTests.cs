using CsCheck;
using Dynamo.Cart.Crdt;

namespace Dynamo.Cart.Tests.Crdt;

/// <summary>
/// The merge is a join: commutative, associative, idempotent, so replicas and tabs converge whatever
/// the order and number of merges; and the result is exactly the observed-remove set's: an addition
/// survives unless a change or remove that had seen it cancelled it.
/// </summary>
public sealed class CartStateLawsTests
{
    private static readonly Gen<(CartState A, CartState B, CartState C)> ThreeStates =
        CartHistory.Histories.SelectMany(ops =>
        {
            var seen = CartHistory.Run(ops).Seen;
            var pick = Gen.Int[0, seen.Count - 1];
            return Gen.Select(pick, pick, pick).Select((a, b, c) => (seen[a], seen[b], seen[c]));
        });

    [Fact]
    public void MergeIsCommutative() =>
        ThreeStates.Sample(t => Assert.Equal(t.A.Merge(t.B), t.B.Merge(t.A)), iter: 3_000);

    [Fact]
    public void MergeIsAssociative() =>
        ThreeStates.Sample(t => Assert.Equal(t.A.Merge(t.B).Merge(t.C), t.A.Merge(t.B.Merge(t.C))), iter: 3_000);

    [Fact]
    public void MergeIsIdempotent() =>
        ThreeStates.Sample(t =>
        {
            Assert.Equal(t.A, t.A.Merge(t.A));
            var ab = t.A.Merge(t.B);
            Assert.Equal(ab, ab.Merge(t.B));
            Assert.Equal(ab, ab.Merge(t.A));
        }, iter: 3_000);

    [Fact]
    public void MergeIsAnUpperBoundThatCreatesNothing() =>
        ThreeStates.Sample(t =>
        {
            var ab = t.A.Merge(t.B);
            Assert.Superset(t.A.RemovedTags.ToHashSet(), ab.RemovedTags.ToHashSet());
            Assert.Superset(t.B.RemovedTags.ToHashSet(), ab.RemovedTags.ToHashSet());
            var inputs = t.A.Entries.Concat(t.B.Entries).ToHashSet();
            Assert.All(ab.Entries, e => Assert.Contains(e, inputs));
        }, iter: 3_000);

    [Fact]
    public void EveryMergeOrderConvergesToTheObservedRemoveSet() =>
        Gen.Select(CartHistory.Histories, Gen.Int[0, 5]).Sample((ops, rotation) =>
        {
            var h = CartHistory.Run(ops);
            var forward = CartState.MergeAll(h.Copies);
            var rotated = CartState.MergeAll(h.Copies.Skip(rotation % h.Copies.Length).Concat(h.Copies.Take(rotation % h.Copies.Length)).Reverse());
            Assert.Equal(forward, rotated);

            // Exactly the additions no observing change or remove cancelled are live.
            var live = forward.Entries.Select(e => e.Tag).ToHashSet();
            Assert.Equal(h.Created.Except(h.Cancelled).ToHashSet(), live);
        }, iter: 3_000);

    [Fact]
    public void ARemovedTagIsNeverLiveAgainAfterAnyMerge() =>
        ThreeStates.Sample(t =>
        {
            var merged = t.A.Merge(t.B).Merge(t.C);
            foreach (var tag in t.A.RemovedTags.Concat(t.B.RemovedTags).Concat(t.C.RemovedTags))
            {
                Assert.False(merged.IsLive(tag), $"tag {tag} came back");
            }
        }, iter: 3_000);

    [Fact]
    public void ConcurrentAddAndRemoveOfTheSameItemKeepsTheUnobservedAddition() =>
        Gen.Select(Gen.Int[1, 5], Gen.Int[1, 5]).Sample((before, added) =>
        {
            var basis = CartState.Empty.Set("apple", before, "t0");

            // Tab A removes the apple it saw; tab B, concurrently, adds one more (a new entry A never saw).
            var a = basis.Remove("apple");
            var b = basis.Add("apple", added, "t1");

            var merged = a.Merge(b);
            Assert.Equal(Math.Min(before + added, CartState.MaxQuantity), merged.QuantityOf("apple"));
            Assert.False(merged.IsLive("t0"));
            Assert.Equal(merged, b.Merge(a));
        });

    [Fact]
    public void ConcurrentRemoveAndUnrelatedChangeKeepsTheItemRemoved() =>
        Gen.Select(Gen.Int[1, 5], Gen.Int[0, 10]).Sample((quantity, staleMerges) =>
        {
            var basis = CartState.Empty.Set("apple", quantity, "t0").Set("pear", 1, "t1");
            var a = basis.Remove("apple");
            var stale = basis.Add("coffee", 1, "t2");

            // However often the stale copy (still carrying the apple) is merged in, the apple stays gone.
            var state = a;
            for (int i = 0; i <= staleMerges; i++)
            {
                state = i % 2 == 0 ? state.Merge(stale) : stale.Merge(state);
            }

            Assert.Equal(0, state.QuantityOf("apple"));
            Assert.Equal(1, state.QuantityOf("pear"));
            Assert.Equal(1, state.QuantityOf("coffee"));
        });
}
