using Dynamo.Core.Runtime;
using Dynamo.Core.Storage;

namespace Dynamo.Core.AntiEntropy;

/// <summary>
/// The Merkle trees of one node: one per (partition, N), because keys of tables with different N have
/// different replica sets (Riak keeps one tree per index and n_val for the same reason). A tree is built
/// from storage the first time it is needed and then kept current by every write to the data space.
/// </summary>
internal sealed class MerkleForest
{
    private readonly NodeContext _ctx;
    private readonly Dictionary<(int Partition, int N), MerkleTree> _trees = [];

    public MerkleForest(NodeContext ctx) => _ctx = ctx;

    public int Levels => _ctx.Options.MerkleLevels;

    public int LeafOf(int bucket) => bucket >> (StorageKeys.BucketBits - (MerkleTree.FanoutBits * Levels));

    /// <summary>Bucket range [from, to) of a leaf.</summary>
    public (int From, int To) BucketsOf(int leaf)
    {
        int shift = StorageKeys.BucketBits - (MerkleTree.FanoutBits * Levels);
        return (leaf << shift, (leaf + 1) << shift);
    }

    public int BuiltCount => _trees.Count;

    /// <summary>The tree of (partition, n), built by scanning storage if needed.</summary>
    public MerkleTree Get(int partition, int n)
    {
        if (!_trees.TryGetValue((partition, n), out var tree))
        {
            tree = Build(partition, n);
            _trees[(partition, n)] = tree;
        }

        return tree;
    }

    /// <summary>Keeps a built tree in step with a data write; pass 0 for a hash that does not exist.</summary>
    public void OnDataChanged(StorageKeys.DataKey key, byte[] rawKey, ulong oldHash, ulong newHash)
    {
        int n = _ctx.ReplicationOf(key.Table);
        if (n == 0 || !_trees.TryGetValue((key.Partition, n), out var tree))
        {
            return;
        }

        tree.Update(
            LeafOf(key.Bucket),
            oldHash == 0 ? 0 : MerkleTree.Contribution(rawKey, oldHash),
            newHash == 0 ? 0 : MerkleTree.Contribution(rawKey, newHash));
    }

    /// <summary>Forgets every tree (a table's N changed): they are rebuilt on next use.</summary>
    public void Reset() => _trees.Clear();

    private MerkleTree Build(int partition, int n)
    {
        var tree = new MerkleTree(Levels);
        byte[]? cursor = null;
        while (true)
        {
            var page = _ctx.Store.ScanRaw(partition, 0, 1 << StorageKeys.BucketBits, cursor, 1024);
            foreach (var kv in page)
            {
                var key = StorageKeys.ParseData(kv.Key);
                if (_ctx.ReplicationOf(key.Table) == n)
                {
                    tree.Update(LeafOf(key.Bucket), 0, MerkleTree.Contribution(kv.Key, StoredObject.VersionHashOfRecord(kv.Value)));
                }
            }

            if (page.Count < 1024)
            {
                return tree;
            }

            cursor = page[^1].Key;
        }
    }
}
