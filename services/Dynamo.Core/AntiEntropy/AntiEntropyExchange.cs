using Dynamo.Core.Replication;
using Dynamo.Core.Runtime;
using Dynamo.Core.Storage;
using Dynamo.Core.Telemetry;

namespace Dynamo.Core.AntiEntropy;

/// <summary>
/// Replica synchronization with Merkle trees (§4.7). Continuously, one exchange at a time, a node takes
/// the next (partition, N) it is a primary of, picks another healthy primary of it, and descends the two
/// trees level by level, asking only for the children of nodes that differ. At the differing leaves the
/// two sides list their keys and version hashes, and each differing key is synced both ways. Each
/// exchange is capped (<see cref="NodeOptions.AntiEntropyKeysPerExchange"/>) and exchanges are spaced by
/// <see cref="NodeOptions.AntiEntropyIntervalMs"/>, so background repair cannot crowd out requests (§6.5).
/// </summary>
internal sealed class AntiEntropyExchange
{
    private const int MaxLeavesPerExchange = 64;

    private readonly NodeContext _ctx;
    private readonly Operations _ops;
    private readonly Replica _replica;
    private int _rotation;
    private Exchange? _inFlight;

    public AntiEntropyExchange(NodeContext ctx, Operations ops, Replica replica)
    {
        _ctx = ctx;
        _ops = ops;
        _replica = replica;
    }

    public void Tick()
    {
        if (_inFlight is { Finished: false } || _ctx.Ring is not { } ring)
        {
            return;
        }

        var mine = new List<(int Partition, int N)>();
        foreach (int n in _ctx.ReplicationFactors())
        {
            for (int p = 0; p < ring.PartitionCount; p++)
            {
                if (ring.PreferenceList(p, n).IsPrimary(_ctx.Self))
                {
                    mine.Add((p, n));
                }
            }
        }

        if (mine.Count == 0)
        {
            return;
        }

        var (partition, rf) = mine[_rotation++ % mine.Count];
        var peers = ring.PreferenceList(partition, rf).Primaries.Where(id => id != _ctx.Self && _ctx.IsAvailable(id)).ToList();
        if (peers.Count == 0)
        {
            return;
        }

        _inFlight = new Exchange(this, partition, rf, peers[_ctx.Env.Random.Next(peers.Count)]);
        _inFlight.Start();
    }

    // ---- the responder's side ----

    public void OnTreeRequest(NodeId from, MerkleTreeRequest msg)
    {
        var ring = _ctx.Ring;
        int levels = _ctx.Trees.Levels;
        if (ring is null || msg.Partition < 0 || msg.Partition >= ring.PartitionCount || msg.N < 1 || msg.Level < 0 || msg.Level >= levels
            || msg.Indices.Length > MerkleTree.Fanout * MaxLeavesPerExchange)
        {
            _ctx.Send(from, new MerkleTreeReply(msg.RequestId, false, []));
            return;
        }

        var tree = _ctx.Trees.Get(msg.Partition, msg.N);
        int width = 1 << (MerkleTree.FanoutBits * msg.Level);
        var hashes = new ulong[msg.Indices.Length * MerkleTree.Fanout];
        for (int i = 0; i < msg.Indices.Length; i++)
        {
            if ((uint)msg.Indices[i] >= (uint)width)
            {
                _ctx.Send(from, new MerkleTreeReply(msg.RequestId, false, []));
                return;
            }

            tree.Children(msg.Level, msg.Indices[i]).CopyTo(hashes.AsSpan(i * MerkleTree.Fanout));
        }

        _ctx.Send(from, new MerkleTreeReply(msg.RequestId, true, hashes));
    }

    public void OnKeysRequest(NodeId from, MerkleKeysRequest msg)
    {
        var ring = _ctx.Ring;
        int leafCount = 1 << (MerkleTree.FanoutBits * _ctx.Trees.Levels);
        if (ring is null || msg.Partition < 0 || msg.Partition >= ring.PartitionCount || msg.Leaves.Length > MaxLeavesPerExchange
            || msg.Leaves.Any(l => (uint)l >= (uint)leafCount))
        {
            _ctx.Send(from, new MerkleKeysReply(msg.RequestId, false, []));
            return;
        }

        _ctx.Send(from, new MerkleKeysReply(msg.RequestId, true, KeysIn(msg.Partition, msg.N, msg.Leaves)));
    }

    private List<KeyVersion> KeysIn(int partition, int n, IEnumerable<int> leaves)
    {
        var keys = new List<KeyVersion>();
        foreach (int leaf in leaves)
        {
            var (from, to) = _ctx.Trees.BucketsOf(leaf);
            byte[]? cursor = null;
            while (true)
            {
                var page = _ctx.Store.ScanRaw(partition, from, to, cursor, 512);
                foreach (var kv in page)
                {
                    var key = StorageKeys.ParseData(kv.Key);
                    if (_ctx.ReplicationOf(key.Table) == n)
                    {
                        keys.Add(new KeyVersion(key.Table, key.Key, StoredObject.VersionHashOfRecord(kv.Value)));
                    }
                }

                if (page.Count < 512)
                {
                    break;
                }

                cursor = page[^1].Key;
            }
        }

        return keys;
    }

    /// <summary>The initiator's side of one exchange.</summary>
    private sealed class Exchange(AntiEntropyExchange owner, int partition, int n, NodeId peer) : Operation
    {
        private readonly MerkleTree _tree = owner._ctx.Trees.Get(partition, n);
        private int _level;
        private List<int> _frontier = [0];
        private int _pending;
        private long _bytes;
        private int _keys;
        private System.Diagnostics.Activity? _span;

        private NodeContext Ctx => owner._ctx;

        public void Start()
        {
            owner._ops.Start(this);
            owner._ctx.Stats.AntiEntropyExchanges++;
            _span = NodeTelemetry.Start("dynamo.anti_entropy", System.Diagnostics.ActivityKind.Client);
            _span?.SetTag("dynamo.node", Ctx.Self.Value).SetTag("dynamo.peer", peer.Value).SetTag("dynamo.partition", partition).SetTag("dynamo.n", n);
            owner._ops.Deadline(this, Ctx.Options.RequestTimeoutMs * 2, OperationDeadline.Background);
            AskLevel();
        }

        private void AskLevel()
        {
            int level = _level;
            var indices = _frontier.ToArray();
            _bytes += (indices.Length * 4) + 16;
            owner._ops.Send(this, peer, rid => new MerkleTreeRequest(rid, partition, n, level, indices));
        }

        public override void OnResponse(NodeId from, long requestId, Message response)
        {
            switch (response)
            {
                case MerkleTreeReply { Ready: true } reply when reply.Hashes.Length == _frontier.Count * MerkleTree.Fanout:
                    _bytes += reply.Hashes.Length * 8;
                    var next = new List<int>();
                    for (int i = 0; i < _frontier.Count; i++)
                    {
                        MerkleTree.DescendInto(_tree.Children(_level, _frontier[i]), reply.Hashes.AsSpan(i * MerkleTree.Fanout, MerkleTree.Fanout), _frontier[i], next);
                    }

                    _level++;
                    if (next.Count == 0)
                    {
                        Done();
                    }
                    else if (_level == _tree.Levels)
                    {
                        // Leaves: cap the work, starting at a random place so no leaf starves.
                        int start = Ctx.Env.Random.Next(next.Count);
                        var leaves = Enumerable.Range(0, Math.Min(next.Count, MaxLeavesPerExchange)).Select(i => next[(start + i) % next.Count]).ToArray();
                        _frontier = [.. leaves];
                        _bytes += (leaves.Length * 4) + 16;
                        owner._ops.Send(this, peer, rid => new MerkleKeysRequest(rid, partition, n, leaves));
                    }
                    else
                    {
                        _frontier = next.Count > MerkleTree.Fanout * MaxLeavesPerExchange ? next[..(MerkleTree.Fanout * MaxLeavesPerExchange)] : next;
                        AskLevel();
                    }

                    break;
                case MerkleKeysReply { Ready: true } keys:
                    Reconcile(keys.Keys);
                    break;
                case ReplicaWriteAck:
                    Settle();
                    break;
                case FetchReply fetched:
                    foreach (var item in fetched.Items)
                    {
                        _bytes += Versioning.ObjectCodec.EstimateSize(item.Set);
                        if (Replication.KeyRules.IsValid(item.Table, item.Key, out _))
                        {
                            owner._replica.MergeData(item.Table, item.Key, item.Set);
                        }
                    }

                    Settle();
                    break;
                default:
                    Done();
                    break;
            }
        }

        private void Reconcile(IReadOnlyList<KeyVersion> theirs)
        {
            var mine = owner.KeysIn(partition, n, _frontier);
            var theirMap = new Dictionary<(string, string), ulong>();
            foreach (var k in theirs)
            {
                theirMap[(k.Table, k.Key)] = k.VersionHash;
                _bytes += k.Table.Length + k.Key.Length + 10;
            }

            int budget = Ctx.Options.AntiEntropyKeysPerExchange;
            var push = new List<ReplicaItem>();
            var pull = new List<TableKey>();
            var mineSet = new HashSet<(string, string)>();
            foreach (var k in mine)
            {
                mineSet.Add((k.Table, k.Key));
                if (push.Count + pull.Count >= budget)
                {
                    break;
                }

                bool theyHave = theirMap.TryGetValue((k.Table, k.Key), out ulong h);
                if (!theyHave || h != k.VersionHash)
                {
                    if (Ctx.Store.Get(k.Table, k.Key) is { } obj)
                    {
                        push.Add(new ReplicaItem(k.Table, k.Key, obj.Set));
                        _bytes += obj.Encoded.Length;
                    }

                    if (theyHave)
                    {
                        pull.Add(new TableKey(k.Table, k.Key));
                    }
                }
            }

            foreach (var k in theirs)
            {
                if (push.Count + pull.Count >= budget)
                {
                    break;
                }

                if (!mineSet.Contains((k.Table, k.Key)))
                {
                    pull.Add(new TableKey(k.Table, k.Key));
                }
            }

            Ctx.Stats.AntiEntropyKeysExchanged += push.Count + pull.Count;
            _keys = push.Count + pull.Count;
            if (push.Count > 0)
            {
                _pending++;
                owner._ops.Send(this, peer, rid => new ReplicaSync(rid, push, SyncPurpose.AntiEntropy));
            }

            if (pull.Count > 0)
            {
                _pending++;
                _bytes += pull.Sum(k => k.Table.Length + k.Key.Length + 2);
                owner._ops.Send(this, peer, rid => new FetchRequest(rid, pull));
            }

            if (_pending == 0)
            {
                Done();
            }
        }

        private void Settle()
        {
            if (--_pending <= 0)
            {
                Done();
            }
        }

        private void Done()
        {
            if (Finished)
            {
                return;
            }

            Ctx.Stats.AntiEntropyBytes += _bytes;
            _span?.SetTag("dynamo.keys", _keys).SetTag("dynamo.bytes", _bytes).SetTag("dynamo.level", _level);
            NodeTelemetry.End(_span, _keys == 0 ? "in sync" : "repaired");
            owner._ops.Finish(this);
        }

        public override void OnDeadline(OperationDeadline kind) => Done();
    }
}
