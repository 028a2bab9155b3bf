using CsCheck;
using Dynamo.Core.Partitioning;

namespace Dynamo.Core.Tests.Partitioning;

public class RingTests
{
    private static RingMember Member(int i, int capacity = 1, string? zone = null) =>
        new(new NodeId($"node{i:D3}"), capacity, zone);

    private static readonly Gen<RingMember[]> GenMembers =
        Gen.Int[1, 24].SelectMany(n => Gen.Int[1, 3].Array[n].Select(w => w.Select((c, i) => Member(i, c)).ToArray()));

    private static int PartitionsFor(int nodes) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(64 * nodes));

    /// <summary>max over members of (partitions / weight), divided by the mean partitions per unit weight.</summary>
    internal static double Balance(Ring ring)
    {
        double perUnit = (double)ring.PartitionCount / ring.Members.Sum(m => m.Capacity);
        return ring.Members.Max(m => ring.PartitionsOwnedBy(m.Id) / (double)m.Capacity) / perUnit;
    }

    [Fact]
    public void AFreshRingIsBalancedByWeight()
    {
        GenMembers.Sample(members =>
        {
            var ring = RingClaim.Initial(PartitionsFor(members.Length), members);
            Assert.True(Balance(ring) <= 1.05, $"balance {Balance(ring):F3} for {ring}");
            Assert.Equal(ring.PartitionCount, ring.Members.Sum(m => ring.PartitionsOwnedBy(m.Id)));
        }, iter: 300);
    }

    [Fact]
    public void RingsGrownAndShrunkOneNodeAtATimeStayBalanced()
    {
        // Q is fixed for the life of a cluster; grow to at most 16 nodes, Q >= 64 per node throughout.
        Gen.Select(Gen.Int[1, 3].Array[16], Gen.Bool.Array[24], Gen.Int[0, 1000].Array[24]).Sample((weights, joins, picks) =>
        {
            int q = PartitionsFor(16);
            var ring = RingClaim.Initial(q, [Member(0, weights[0])]);
            int next = 1;
            for (int step = 0; step < joins.Length; step++)
            {
                if ((joins[step] || ring.Members.Count == 1) && next < weights.Length)
                {
                    ring = RingClaim.Join(ring, Member(next, weights[next]));
                    next++;
                }
                else if (ring.Members.Count > 1)
                {
                    ring = RingClaim.Leave(ring, ring.Members[picks[step] % ring.Members.Count].Id);
                }

                Assert.True(Balance(ring) <= 1.05, $"step {step}: balance {Balance(ring):F3} for {ring}");
            }
        }, iter: 40);
    }

    [Fact]
    public void AJoinMovesOnlyToTheNewNodeAndNoMoreThanItsShare()
    {
        Gen.Select(GenMembers, Gen.Int[1, 3]).Sample((members, newWeight) =>
        {
            int q = PartitionsFor(members.Length + 1);
            var before = RingClaim.Initial(q, members);
            var joining = Member(999, newWeight);
            var after = RingClaim.Join(before, joining);

            int moved = 0;
            for (int p = 0; p < q; p++)
            {
                if (before.Owner(p) != after.Owner(p))
                {
                    Assert.Equal(joining.Id, after.Owner(p));
                    moved++;
                }
            }

            double ideal = (double)q * newWeight / after.Members.Sum(m => m.Capacity);
            Assert.True(moved <= Math.Ceiling(ideal) + 1, $"moved {moved}, ideal {ideal:F1}");
            Assert.Equal(moved, after.PartitionsOwnedBy(joining.Id));
            Assert.True(moved >= Math.Floor(ideal) - 1, $"moved {moved}, ideal {ideal:F1}");
            Assert.Equal(before.Epoch + 1, after.Epoch);
        }, iter: 300);
    }

    [Fact]
    public void ALeaveMovesOnlyTheLeaversPartitions()
    {
        Gen.Select(GenMembers.Where(m => m.Length >= 2), Gen.Int[0, 100]).Sample((members, pick) =>
        {
            var before = RingClaim.Initial(PartitionsFor(members.Length), members);
            var leaving = members[pick % members.Length].Id;
            var after = RingClaim.Leave(before, leaving);
            Assert.False(after.Contains(leaving));
            for (int p = 0; p < before.PartitionCount; p++)
            {
                if (before.Owner(p) != leaving)
                {
                    Assert.Equal(before.Owner(p), after.Owner(p));
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void TheSameMembershipChangesGiveTheSameRingEverywhere()
    {
        GenMembers.Sample(members =>
        {
            int q = PartitionsFor(members.Length + 1);
            var a = RingClaim.Join(RingClaim.Initial(q, members), Member(500, 2));
            var b = RingClaim.Join(RingClaim.Initial(q, [.. members.Reverse()]), Member(500, 2));
            Assert.Equal(a.Fingerprint, b.Fingerprint);
            Assert.Equal(0, a.CompareVersion(b));
            var decoded = RingCodec.Decode(RingCodec.Encode(a));
            Assert.Equal(a.Fingerprint, decoded.Fingerprint);
            Assert.Equal(a.Epoch, decoded.Epoch);
            for (int p = 0; p < q; p++)
            {
                Assert.Equal(a.Owner(p), decoded.Owner(p));
            }
        }, iter: 200);
    }

    [Fact]
    public void ANewerEpochWinsAndTiesBreakOnTheAssignment()
    {
        var one = RingClaim.Initial(64, [Member(1), Member(2)]);
        var two = RingClaim.Join(one, Member(3));
        Assert.True(two.CompareVersion(one) > 0);
        var other = RingClaim.Join(one, Member(4));
        Assert.Equal(two.Epoch, other.Epoch);
        Assert.NotEqual(0, two.CompareVersion(other));
        Assert.Equal(-two.CompareVersion(other), other.CompareVersion(two));
    }

    [Fact]
    public void MalformedRingsAreFormatErrors()
    {
        var valid = RingCodec.Encode(RingClaim.Initial(16, [Member(1), Member(2)]));
        Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Byte, Gen.Int[0, valid.Length - 1]).Sample((pos, b, cut) =>
        {
            var mutated = (byte[])valid.Clone();
            mutated[pos] = b;
            foreach (var candidate in new[] { mutated, valid[..cut] })
            {
                try
                {
                    RingCodec.Decode(candidate);
                }
                catch (FormatException)
                {
                }
            }
        }, iter: 2_000);
    }

    [Fact]
    public void InvalidRingsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RingClaim.Initial(48, [Member(1)]));
        Assert.Throws<ArgumentException>(() => RingClaim.Initial(16, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => Member(1, 0));
        var ring = RingClaim.Initial(16, [Member(1)]);
        Assert.Throws<InvalidOperationException>(() => RingClaim.Join(ring, Member(1)));
        Assert.Throws<InvalidOperationException>(() => RingClaim.Leave(ring, new NodeId("node001")));
        Assert.Throws<InvalidOperationException>(() => RingClaim.Leave(ring, new NodeId("ghost")));
    }
}
