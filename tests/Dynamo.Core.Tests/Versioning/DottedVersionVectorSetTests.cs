using System.Text;
using CsCheck;
using Dynamo.Core.Versioning;
using static Dynamo.Core.Tests.Versioning.DvvHistory;

namespace Dynamo.Core.Tests.Versioning;

public class DottedVersionVectorSetTests
{
    private const long Iterations = 2_000;

    [Fact]
    public void EveryStepAgreesWithTheReferenceModelOfDots()
    {
        GenHistory.Sample(ops =>
        {
            var run = new Run();
            foreach (var op in ops)
            {
                run.Apply(op);
                for (int r = 0; r < Replicas; r++)
                {
                    Assert.Equal(ValuesOf(run.Models[r]), ValuesOf(run.States[r]));
                    Assert.Equal(ContextOf(run.Models[r]), run.States[r].Context());
                }
            }
        }, iter: Iterations);
    }

    [Fact]
    public void SyncIsCommutativeAssociativeAndIdempotent()
    {
        GenHistory.Sample(ops =>
        {
            var s = Run.Of(ops).States;
            var (a, b, c) = (s[0], s[1], s[2]);
            Assert.Equal(DottedVersionVectorSet.Sync(a, b), DottedVersionVectorSet.Sync(b, a));
            Assert.Equal(
                DottedVersionVectorSet.Sync(DottedVersionVectorSet.Sync(a, b), c),
                DottedVersionVectorSet.Sync(a, DottedVersionVectorSet.Sync(b, c)));
            Assert.Equal(a, DottedVersionVectorSet.Sync(a, a));
            Assert.Equal(a, DottedVersionVectorSet.Sync(a, DottedVersionVectorSet.Empty));
        }, iter: Iterations);
    }

    [Fact]
    public void AnUpdateWithTheFullContextDominatesEverythingItSaw()
    {
        GenHistory.Sample(ops =>
        {
            var run = Run.Of(ops);
            var all = run.States.Aggregate(DottedVersionVectorSet.Sync);
            var winner = all.Update(all.Context(), ActorOf(1), new Sibling("w"u8.ToArray(), null));
            Assert.Equal(["w"], ValuesOf(winner));
            foreach (var state in run.States.Concat(run.Seen))
            {
                Assert.True(winner.Descends(state));
                Assert.Equal(winner, DottedVersionVectorSet.Sync(winner, state));
            }
        }, iter: Iterations);
    }

    [Fact]
    public void TwoUpdatesFromTheSameContextThroughTheSameCoordinatorBothSurvive()
    {
        Gen.Select(GenHistory, Gen.Int[0, Replicas - 1]).Sample((ops, at) =>
        {
            var local = Run.Of(ops).States[at];
            var ctx = local.Context();
            var first = local.Update(ctx, ActorOf(at), new Sibling("x1"u8.ToArray(), null));
            var second = first.Update(ctx, ActorOf(at), new Sibling("x2"u8.ToArray(), null));
            var values = ValuesOf(second);
            Assert.Contains("x1", values);
            Assert.Contains("x2", values);
            // The context covered every local sibling, so exactly the two new writes remain.
            Assert.Equal(2, second.SiblingCount);
        }, iter: Iterations);
    }

    [Fact]
    public void TwoUpdatesFromTheSameContextThroughDifferentCoordinatorsBothSurvive()
    {
        GenHistory.Sample(ops =>
        {
            var run = Run.Of(ops);
            var ctx = run.States[0].Context();
            var atOne = run.States[1].Update(ctx, ActorOf(1), new Sibling("y1"u8.ToArray(), null));
            var atTwo = run.States[2].Update(ctx, ActorOf(2), new Sibling("y2"u8.ToArray(), null));
            var merged = DottedVersionVectorSet.Sync(atOne, atTwo);
            Assert.Contains("y1", ValuesOf(merged));
            Assert.Contains("y2", ValuesOf(merged));
        }, iter: Iterations);
    }

    [Fact]
    public void SiblingsAreOnlyTrulyConcurrentVersions()
    {
        // Write, read, overwrite with the read context: no sibling may remain, however stale the replicas were.
        GenHistory.Sample(ops =>
        {
            var run = Run.Of(ops);
            var all = run.States.Aggregate(DottedVersionVectorSet.Sync);
            var overwritten = run.States[0].Update(all.Context(), ActorOf(0), new Sibling("z"u8.ToArray(), null));
            foreach (var replica in run.States)
            {
                Assert.Equal(["z"], ValuesOf(DottedVersionVectorSet.Sync(replica, overwritten)));
            }
        }, iter: Iterations);
    }

    [Fact]
    public void ObjectEncodingRoundTripsAndIsCanonical()
    {
        GenHistory.Sample(ops =>
        {
            foreach (var state in Run.Of(ops).Seen)
            {
                var bytes = ObjectCodec.Encode(state);
                var decoded = ObjectCodec.Decode(bytes);
                Assert.Equal(state, decoded);
                Assert.Equal(bytes, ObjectCodec.Encode(decoded));
            }
        }, iter: Iterations);
    }

    [Fact]
    public void SharedEncodingIsTheCanonicalEncodingComputedOncePerSet()
    {
        GenHistory.Sample(ops =>
        {
            foreach (var state in Run.Of(ops).Seen)
            {
                var shared = ObjectCodec.EncodeShared(state);
                Assert.Equal(ObjectCodec.Encode(state), shared);
                Assert.Same(shared, ObjectCodec.EncodeShared(state));

                // A set decoded from an array it was handed keeps that array as its encoding (the shared
                // empty set keeps the first encoding it was given).
                var copy = (byte[])shared.Clone();
                var decoded = ObjectCodec.DecodeShared(copy);
                Assert.Equal(state, decoded);
                Assert.Equal(shared, ObjectCodec.EncodeShared(decoded));
                if (!ReferenceEquals(decoded, DottedVersionVectorSet.Empty))
                {
                    Assert.Same(copy, ObjectCodec.EncodeShared(decoded));
                }

                // A fresh encoding is always the caller's own array.
                Assert.NotSame(shared, ObjectCodec.Encode(state));
            }
        }, iter: Iterations);
    }

    [Fact]
    public void ObjectDecodingRejectsCorruptionWithFormatErrors()
    {
        var state = Run.Of([new Op(Kind.Write, 0, -1), new Op(Kind.Write, 1, -1), new Op(Kind.Sync, 0, 1)]).States[1];
        var valid = ObjectCodec.Encode(state);
        Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Byte, Gen.Int[0, valid.Length]).Sample((pos, b, cut) =>
        {
            var mutated = (byte[])valid.Clone();
            mutated[pos] = b;
            foreach (var candidate in new[] { mutated, valid[..cut] })
            {
                try
                {
                    var decoded = ObjectCodec.Decode(candidate);
                    // A mutation that still decodes must re-encode to exactly the input (canonical form).
                    Assert.Equal(candidate, ObjectCodec.Encode(decoded));
                }
                catch (FormatException)
                {
                }
            }
        }, iter: Iterations);
    }

    [Fact]
    public void TombstonesAreVersionsThatReadsHide()
    {
        var a = new Actor(new NodeId("n1"), 1);
        var written = DottedVersionVectorSet.Empty.Update(VersionVector.Empty, a, new Sibling("v"u8.ToArray(), null));
        var deleted = written.Update(written.Context(), a, Sibling.Tombstone);
        Assert.True(deleted.IsTombstoneOnly);
        Assert.Empty(deleted.LiveValues());
        Assert.True(deleted.Descends(written));

        // A concurrent write (a context that did not see the delete) survives beside the tombstone.
        var concurrent = deleted.Update(written.Context(), a, new Sibling("w"u8.ToArray(), null));
        Assert.False(concurrent.IsTombstoneOnly);
        Assert.Equal("w", Encoding.UTF8.GetString(Assert.Single(concurrent.LiveValues()).Value.Span));
    }
}
