using Dynamo.Core.Runtime;
using Dynamo.Core.Storage;
using Dynamo.Core.Telemetry;
using Dynamo.Core.Versioning;

namespace Dynamo.Core.Replication;

/// <summary>
/// One node's side of replication: it merges incoming versions into its copy (DVVSet sync is
/// idempotent, so duplicated or reordered messages are harmless), answers reads with its copy merged
/// with any hints it holds, and keeps hints for down owners apart (§4.6). Every write to the data space
/// goes through here so the Merkle trees stay exact.
/// </summary>
internal sealed class Replica
{
    private readonly NodeContext _ctx;

    public Replica(NodeContext ctx) => _ctx = ctx;

    private ReplicaStore Store => _ctx.Store;

    /// <summary>This node's view of a key: its own replica merged with every hint it holds for the key.</summary>
    public DottedVersionVectorSet? ReadLocal(string table, string key) => WithHints(table, key, Store.Get(table, key)?.Set);

    /// <summary><paramref name="set"/> (this node's own replica of the key, already read) merged with every hint held for the key.</summary>
    public DottedVersionVectorSet? WithHints(string table, string key, DottedVersionVectorSet? set)
    {
        foreach (var hint in Store.HintsFor(table, key))
        {
            set = set is null ? hint.Object : DottedVersionVectorSet.Sync(set, hint.Object);
        }

        return set;
    }

    /// <summary>Merges <paramref name="incoming"/> into the data space; returns false when nothing changed.</summary>
    public bool MergeData(string table, string key, DottedVersionVectorSet incoming)
    {
        var raw = Store.KeyOf(table, key);
        var old = Store.Get(raw);
        var merged = old is null ? incoming : DottedVersionVectorSet.Sync(old.Set, incoming);
        if (old is not null && merged.Equals(old.Set))
        {
            return false;
        }

        // Usually the incoming version supersedes the local one: keep its instance, whose bytes the
        // replica message already carried, instead of encoding an equal set again.
        if (!ReferenceEquals(merged, incoming) && merged.Equals(incoming))
        {
            merged = incoming;
        }

        // A merged-in version never grants this node a coordinator epoch; it keeps the one it had.
        WriteData(raw, old, StoredObject.Create(merged, ObjectCodec.EncodeShared(merged), old?.CoordinatorEpoch ?? 0, _ctx.Now, old));
        return true;
    }

    public void WriteData(byte[] rawKey, StoredObject? old, StoredObject updated)
    {
        Store.Write(new StorageBatch().Put(StoreSpace.Data, rawKey, updated.ToRecord()));
        _ctx.Trees.OnDataChanged(StorageKeys.ParseData(rawKey), rawKey, old?.VersionHash ?? 0, updated.VersionHash);
    }

    /// <summary>Deletes a data record only if it still holds exactly <paramref name="expected"/> (handoff, reaping).</summary>
    public bool DeleteDataIf(byte[] rawKey, StoredObject expected)
    {
        var current = Store.Get(rawKey);
        if (current is null || current.VersionHash != expected.VersionHash || !current.Set.Equals(expected.Set))
        {
            return false;
        }

        Store.Write(new StorageBatch().Delete(StoreSpace.Data, rawKey));
        _ctx.Trees.OnDataChanged(StorageKeys.ParseData(rawKey), rawKey, current.VersionHash, 0);
        return true;
    }

    /// <summary>Keeps a version for <paramref name="owner"/>, merged with any hint already held for it.</summary>
    public void MergeHint(string table, string key, NodeId owner, DottedVersionVectorSet incoming)
    {
        var span = NodeTelemetry.Start("dynamo.hint.store");
        span?.SetTag("dynamo.hint.for", owner.Value).SetTag("dynamo.table", table).SetTag("dynamo.node", _ctx.Self.Value);
        var raw = Store.HintKeyOf(table, key, owner);
        var existing = Store.Engine.Get(StoreSpace.Hints, raw);
        var merged = existing is null ? incoming : DottedVersionVectorSet.Sync(ReplicaStore.FromHintRecord(existing), incoming);
        Store.Write(new StorageBatch().Put(StoreSpace.Hints, raw, ReplicaStore.HintRecord(merged)));
        _ctx.Stats.HintsStored++;
        NodeTelemetry.End(span, "stored");
    }

    public void OnWrite(NodeId from, ReplicaWrite msg)
    {
        if (!KeyRules.IsValid(msg.Table, msg.Key, out _))
        {
            _ctx.Send(from, new ReplicaWriteAck(msg.RequestId, false));
            return;
        }

        if (msg.HintFor is { } owner && owner != _ctx.Self)
        {
            MergeHint(msg.Table, msg.Key, owner, msg.Set);
        }
        else
        {
            MergeData(msg.Table, msg.Key, msg.Set);
        }

        _ctx.Send(from, new ReplicaWriteAck(msg.RequestId, true));
    }

    public void OnRead(NodeId from, ReplicaRead msg)
    {
        var set = KeyRules.IsValid(msg.Table, msg.Key, out _) ? ReadLocal(msg.Table, msg.Key) : null;
        _ctx.Send(from, new ReplicaReadReply(msg.RequestId, set));
    }

    public void OnSync(NodeId from, ReplicaSync msg)
    {
        foreach (var item in msg.Items)
        {
            if (KeyRules.IsValid(item.Table, item.Key, out _))
            {
                MergeData(item.Table, item.Key, item.Set);
            }
        }

        _ctx.Send(from, new ReplicaWriteAck(msg.RequestId, true));
    }

    public const int MaxRangeLimit = 10_000;

    public void OnRange(NodeId from, ReplicaRange msg) => _ctx.Send(from, Range(msg));

    /// <summary>This replica's first <c>Limit</c> keys of a table in a storage-key range of one partition.</summary>
    public ReplicaRangeReply Range(ReplicaRange msg)
    {
        var items = new List<ReplicaItem>();
        bool complete = true;
        if (KeyRules.IsValidTable(msg.Table) && msg.Partition >= 0 && msg.Partition < Store.PartitionCount && msg.Limit is > 0 and <= MaxRangeLimit)
        {
            var (lower, upper) = RangeBounds(msg.Partition, msg.From, msg.To);
            while (items.Count < msg.Limit)
            {
                var page = Store.Engine.Scan(StoreSpace.Data, lower, upper, msg.Limit, msg.Reverse);
                foreach (var kv in page)
                {
                    var key = StorageKeys.ParseData(kv.Key);
                    if (key.Table == msg.Table && items.Count < msg.Limit)
                    {
                        items.Add(new ReplicaItem(key.Table, key.Key, StoredObject.FromRecord(kv.Value).Set));
                    }
                }

                if (page.Count < msg.Limit)
                {
                    break;
                }

                // Other tables' keys filled the page: continue past it.
                if (msg.Reverse)
                {
                    upper = page[^1].Key;
                }
                else
                {
                    lower = StorageKeys.After(page[^1].Key);
                }
            }

            complete = items.Count < msg.Limit;
        }

        return new ReplicaRangeReply(msg.RequestId, items, complete);
    }

    /// <summary>The requested bounds clamped to the partition's range.</summary>
    public static (byte[] Lower, byte[] Upper) RangeBounds(int partition, byte[]? from, byte[]? to)
    {
        var start = StorageKeys.PartitionStart(partition);
        var end = StorageKeys.PartitionEnd(partition);
        var lower = from is null || ByteArrayComparer.Instance.Compare(from, start) < 0 ? start : from;
        var upper = to is null || ByteArrayComparer.Instance.Compare(to, end) > 0 ? end : to;
        return (lower, upper);
    }

    public void OnFetch(NodeId from, FetchRequest msg)
    {
        var items = new List<ReplicaItem>(msg.Keys.Count);
        foreach (var k in msg.Keys)
        {
            if (KeyRules.IsValid(k.Table, k.Key, out _) && Store.Get(k.Table, k.Key) is { } obj)
            {
                items.Add(new ReplicaItem(k.Table, k.Key, obj.Set));
            }
        }

        _ctx.Send(from, new FetchReply(msg.RequestId, items));
    }
}
