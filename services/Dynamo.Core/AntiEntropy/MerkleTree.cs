using System.IO.Hashing;

namespace Dynamo.Core.AntiEntropy;

/// <summary>
/// A hash tree over one partition replica's keys (paper §4.7): replicas compare roots, descend only
/// into children whose hashes differ, and end with the few leaves (key buckets) that hold differing
/// keys, so the data exchanged grows with the differences rather than with the key count.
///
/// Shape: <see cref="Fanout"/>-ary, <c>levels</c> deep, <c>Fanout^levels</c> leaves; a key belongs to
/// the leaf given by its <see cref="Hashing.KeyHash.Bucket"/>. Each node's hash is the XOR of
/// <see cref="Contribution"/> over the keys below it, so a put updates the tree in O(levels) with no
/// rebuild (Riak's hashtree rebuilds segments instead), and equal key→version maps give equal trees.
/// </summary>
public sealed class MerkleTree
{
    public const int Fanout = 16;
    public const int FanoutBits = 4;
    public const int DefaultLevels = 3;

    private readonly ulong[] _nodes;
    private readonly int[] _levelStart;

    public MerkleTree(int levels = DefaultLevels)
    {
        if (levels is < 1 or > 5)
        {
            throw new ArgumentOutOfRangeException(nameof(levels), "A tree has 1 to 5 levels below the root.");
        }

        Levels = levels;
        _levelStart = new int[levels + 2];
        int total = 0;
        for (int l = 0; l <= levels; l++)
        {
            _levelStart[l] = total;
            total += 1 << (FanoutBits * l);
        }

        _levelStart[levels + 1] = total;
        _nodes = new ulong[total];
    }

    /// <summary>Levels below the root; leaves live at level <see cref="Levels"/>.</summary>
    public int Levels { get; }

    public int LeafCount => 1 << (FanoutBits * Levels);

    /// <summary>Bits of the key hash that choose the leaf.</summary>
    public int BucketBits => FanoutBits * Levels;

    public ulong Root => _nodes[0];

    public ulong Hash(int level, int index) => _nodes[_levelStart[level] + index];

    /// <summary>The hashes of the <see cref="Fanout"/> children of node (<paramref name="level"/>, <paramref name="index"/>).</summary>
    public ReadOnlySpan<ulong> Children(int level, int index) =>
        _nodes.AsSpan(_levelStart[level + 1] + (index * Fanout), Fanout);

    /// <summary>What a key with the given version hash adds to its leaf and every ancestor.</summary>
    public static ulong Contribution(ReadOnlySpan<byte> key, ulong versionHash)
    {
        var h = new XxHash64((long)versionHash);
        h.Append(key);
        ulong c = h.GetCurrentHashAsUInt64();
        return c == 0 ? 1 : c;
    }

    /// <summary>Replaces a key's contribution: pass 0 as <paramref name="before"/> for a new key and as <paramref name="after"/> for a removed one.</summary>
    public void Update(int leaf, ulong before, ulong after)
    {
        ulong delta = before ^ after;
        if (delta == 0)
        {
            return;
        }

        int index = leaf;
        for (int level = Levels; level >= 0; level--)
        {
            _nodes[_levelStart[level] + index] ^= delta;
            index >>= FanoutBits;
        }
    }

    public void Clear() => Array.Clear(_nodes);

    /// <summary>
    /// The leaves where two trees differ, found the way two replicas find them over the network: level
    /// by level, asking only for the children of nodes that differ. <paramref name="hashesExchanged"/>
    /// counts the hashes that crossed between them.
    /// </summary>
    public static List<int> DifferingLeaves(MerkleTree local, MerkleTree remote, out int hashesExchanged)
    {
        if (local.Levels != remote.Levels)
        {
            throw new ArgumentException("Trees of different shapes cannot be compared.", nameof(remote));
        }

        hashesExchanged = 1;
        var frontier = new List<int>();
        if (local.Root == remote.Root)
        {
            return frontier;
        }

        frontier.Add(0);
        for (int level = 0; level < local.Levels; level++)
        {
            var next = new List<int>();
            foreach (int index in frontier)
            {
                var theirs = remote.Children(level, index);
                hashesExchanged += theirs.Length;
                DescendInto(local.Children(level, index), theirs, index, next);
            }

            frontier = next;
        }

        return frontier;
    }

    /// <summary>One step of the descent: the children of <paramref name="parent"/> whose hashes differ.</summary>
    public static void DescendInto(ReadOnlySpan<ulong> mine, ReadOnlySpan<ulong> theirs, int parent, List<int> differing)
    {
        for (int c = 0; c < Fanout; c++)
        {
            if (mine[c] != theirs[c])
            {
                differing.Add((parent * Fanout) + c);
            }
        }
    }

    /// <summary>The key-hash range [from, to) a leaf covers, as fractions of the 64-bit bucket space.</summary>
    public (ulong From, ulong To) LeafRange(int leaf)
    {
        int shift = 64 - BucketBits;
        ulong from = (ulong)leaf << shift;
        ulong to = leaf == LeafCount - 1 ? ulong.MaxValue : ((ulong)(leaf + 1) << shift) - 1;
        return (from, to);
    }
}
