using System.Text;
using CsCheck;
using Dynamo.Core.AntiEntropy;
using Dynamo.Core.Hashing;

namespace Dynamo.Core.Tests.AntiEntropy;

public class MerkleTreeTests
{
    private static int Leaf(MerkleTree t, string key) => KeyHash.Compute("t", key).Bucket(t.BucketBits);

    private static MerkleTree Build(IReadOnlyDictionary<string, ulong> keys, int levels = 3)
    {
        var t = new MerkleTree(levels);
        foreach (var kv in keys)
        {
            t.Update(Leaf(t, kv.Key), 0, MerkleTree.Contribution(Encoding.UTF8.GetBytes(kv.Key), kv.Value));
        }

        return t;
    }

    /// <summary>Two replicas' key → version-hash maps that differ in a known set of keys.</summary>
    private static readonly Gen<(Dictionary<string, ulong> A, Dictionary<string, ulong> B, HashSet<string> Diff)> GenReplicas =
        Gen.Select(Gen.Int[0, 3000], Gen.Int[0, 40], Gen.ULong, Gen.Int[0, int.MaxValue]).Select((count, changes, salt, seed) =>
        {
            var rnd = new Random(seed);
            var a = new Dictionary<string, ulong>();
            for (int i = 0; i < count; i++)
            {
                a["key" + i] = salt ^ (ulong)i;
            }

            var b = new Dictionary<string, ulong>(a);
            var diff = new HashSet<string>();
            for (int c = 0; c < changes; c++)
            {
                switch (rnd.Next(3))
                {
                    case 0 when count > 0:
                        var k = "key" + rnd.Next(count);
                        b[k] = (ulong)rnd.NextInt64();
                        diff.Add(k);
                        break;
                    case 1 when count > 0:
                        var r = "key" + rnd.Next(count);
                        if (b.Remove(r))
                        {
                            diff.Add(r);
                        }

                        break;
                    default:
                        var n = "new" + c;
                        b[n] = (ulong)rnd.NextInt64();
                        diff.Add(n);
                        break;
                }
            }

            diff.RemoveWhere(k => a.TryGetValue(k, out var x) && b.TryGetValue(k, out var y) && x == y);
            return (a, b, diff);
        });

    [Fact]
    public void TheDiffIsExactlyTheDifferingKeys()
    {
        GenReplicas.Sample(t =>
        {
            var (a, b, diff) = t;
            var ta = Build(a);
            var tb = Build(b);
            var leaves = MerkleTree.DifferingLeaves(ta, tb, out _).ToHashSet();
            var found = a.Keys.Union(b.Keys)
                .Where(k => leaves.Contains(Leaf(ta, k)))
                .Where(k => !a.TryGetValue(k, out var x) || !b.TryGetValue(k, out var y) || x != y)
                .ToHashSet();
            Assert.Equal(diff.Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));

            // And no leaf is reported without a differing key in it.
            Assert.All(leaves, leaf => Assert.Contains(diff, k => Leaf(ta, k) == leaf));
        }, iter: 300);
    }

    [Fact]
    public void HashesExchangedGrowWithDifferencesNotWithKeys()
    {
        GenReplicas.Sample(t =>
        {
            var (a, b, diff) = t;
            var ta = Build(a);
            MerkleTree.DifferingLeaves(ta, Build(b), out int hashes);
            Assert.True(hashes <= 1 + (diff.Count * MerkleTree.Fanout * ta.Levels), $"{hashes} hashes for {diff.Count} differences");
            if (diff.Count == 0)
            {
                Assert.Equal(1, hashes);
            }
        }, iter: 300);

        // The same single difference costs the same whether there are 100 keys or 100,000.
        static int Cost(int keys)
        {
            var a = Enumerable.Range(0, keys).ToDictionary(i => "k" + i, i => (ulong)i);
            var b = new Dictionary<string, ulong>(a) { ["k7"] = 12345 };
            MerkleTree.DifferingLeaves(Build(a), Build(b), out int hashes);
            return hashes;
        }

        Assert.Equal(Cost(100), Cost(100_000));
    }

    [Fact]
    public void IncrementalUpdatesEqualARebuild()
    {
        GenReplicas.Sample(t =>
        {
            var (a, b, _) = t;
            var tree = Build(a);
            foreach (var k in a.Keys.Union(b.Keys))
            {
                ulong before = a.TryGetValue(k, out var x) ? MerkleTree.Contribution(Encoding.UTF8.GetBytes(k), x) : 0;
                ulong after = b.TryGetValue(k, out var y) ? MerkleTree.Contribution(Encoding.UTF8.GetBytes(k), y) : 0;
                tree.Update(Leaf(tree, k), before, after);
            }

            var rebuilt = Build(b);
            Assert.Equal(rebuilt.Root, tree.Root);
            Assert.Empty(MerkleTree.DifferingLeaves(tree, rebuilt, out _));
        }, iter: 200);
    }

    [Fact]
    public void EmptyTreesAgreeAndShapesMustMatch()
    {
        Assert.Equal(0UL, new MerkleTree().Root);
        Assert.Empty(MerkleTree.DifferingLeaves(new MerkleTree(), new MerkleTree(), out int h));
        Assert.Equal(1, h);
        Assert.Throws<ArgumentException>(() => MerkleTree.DifferingLeaves(new MerkleTree(2), new MerkleTree(3), out _));
        Assert.Equal(4096, new MerkleTree(3).LeafCount);
    }
}
