using CsCheck;
using Dynamo.Core.Partitioning;

namespace Dynamo.Core.Tests.Partitioning;

public class PreferenceListTests
{
    private static readonly Gen<(Ring Ring, int N)> GenRing =
        Gen.Select(Gen.Int[1, 12], Gen.Int[0, 4], Gen.Int[1, 5], Gen.Int[0, 1000]).Select((nodes, zones, n, salt) =>
        {
            var members = Enumerable.Range(0, nodes)
                .Select(i => new RingMember(new NodeId($"n{(i * 7919 + salt) % 1000:D3}-{i}"), 1 + ((i + salt) % 2), zones == 0 ? null : "z" + ((i + salt) % zones)))
                .ToArray();
            var ring = RingClaim.Initial(64, members[..1]);
            foreach (var m in members[1..])
            {
                ring = RingClaim.Join(ring, m);
            }

            return (ring, n);
        });

    [Fact]
    public void PrimariesAreNDistinctNodesAndFallbacksAreTheOthers()
    {
        GenRing.Sample(t =>
        {
            var (ring, n) = t;
            for (int p = 0; p < ring.PartitionCount; p++)
            {
                var list = ring.PreferenceList(p, n);
                Assert.Equal(Math.Min(n, ring.Members.Count), list.Primaries.Count);
                Assert.Equal(list.Primaries.Count, list.Primaries.Distinct().Count());
                Assert.Equal(list.Fallbacks.Count, list.Fallbacks.Distinct().Count());
                Assert.Empty(list.Primaries.Intersect(list.Fallbacks));
                Assert.Equal(Math.Min(ring.Members.Count - list.Primaries.Count, PreferenceList.MaxFallbacks), list.Fallbacks.Count);
                Assert.Contains(ring.Owner(p), list.Primaries.Concat(list.Fallbacks));
            }
        }, iter: 200);
    }

    [Fact]
    public void PrimariesSpanDistinctZonesWhenThereAreEnough()
    {
        GenRing.Sample(t =>
        {
            var (ring, n) = t;
            int zones = ring.Members.Select(m => m.Zone ?? m.Id.Value).Distinct().Count();
            for (int p = 0; p < ring.PartitionCount; p++)
            {
                var primaries = ring.PreferenceList(p, n).Primaries;
                int distinctZones = primaries.Select(id => ring.Member(id)!.Zone ?? id.Value).Distinct().Count();
                Assert.Equal(Math.Min(primaries.Count, zones), distinctZones);
            }
        }, iter: 200);
    }

    [Fact]
    public void WithoutZonesTheListIsTheRingWalk()
    {
        var ring = RingClaim.Initial(16, [new(new NodeId("a")), new(new NodeId("b")), new(new NodeId("c")), new(new NodeId("d"))]);
        for (int p = 0; p < 16; p++)
        {
            var walk = new List<NodeId>();
            for (int step = 0; step < 16; step++)
            {
                var owner = ring.Owner((p + step) % 16);
                if (!walk.Contains(owner))
                {
                    walk.Add(owner);
                }
            }

            var list = ring.PreferenceList(p, 3);
            Assert.Equal(walk.Take(3), list.Primaries);
            Assert.Equal(walk.Skip(3), list.Fallbacks);
            Assert.Equal(ring.Owner(p), list.Primaries[0]);
        }
    }
}
