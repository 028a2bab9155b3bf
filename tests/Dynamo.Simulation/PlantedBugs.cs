using Dynamo.Core.Storage;
using Dynamo.Core.Versioning;

namespace Dynamo.Simulation;

/// <summary>Known bugs the checker must catch (the tests plant them and expect failures).</summary>
public enum PlantedBug
{
    None,

    /// <summary>Replicas keep one version per key, as last-writer-wins stores do, instead of siblings.</summary>
    LastWriterWins,

    /// <summary>Fallbacks acknowledge hinted writes but never keep them.</summary>
    DropHints,

    /// <summary>Clients send a write that timed out to another node (it may have been applied already).</summary>
    RetryAmbiguousWrites,
}

/// <summary>A storage engine decorator that plants <see cref="PlantedBug"/>s below the protocol logic.</summary>
internal sealed class BuggyStorage(IStorageEngine inner, PlantedBug bug) : IStorageEngine
{
    public string Name => inner.Name;

    public bool NeedsWalSync => inner.NeedsWalSync;

    public long ApproximateBytes => inner.ApproximateBytes;

    public byte[]? Get(StoreSpace space, ReadOnlySpan<byte> key) => inner.Get(space, key);

    public IReadOnlyList<KeyValuePair<byte[], byte[]>> Scan(StoreSpace space, ReadOnlySpan<byte> fromInclusive, ReadOnlySpan<byte> toExclusive, int limit, bool reverse = false) =>
        inner.Scan(space, fromInclusive, toExclusive, limit, reverse);

    public void SyncWal() => inner.SyncWal();

    public void Dispose() => inner.Dispose();

    public void Write(StorageBatch batch)
    {
        var rewritten = new StorageBatch();
        foreach (var op in batch.Operations)
        {
            if (op.IsDelete)
            {
                rewritten.Delete(op.Space, op.Key);
            }
            else if (bug == PlantedBug.DropHints && op.Space == StoreSpace.Hints)
            {
                continue;
            }
            else if (bug == PlantedBug.LastWriterWins && op.Space == StoreSpace.Data)
            {
                rewritten.Put(op.Space, op.Key, KeepNewestOnly(op.Value!));
            }
            else
            {
                rewritten.Put(op.Space, op.Key, op.Value!);
            }
        }

        inner.Write(rewritten);
    }

    // Keeps the newest dot's value and drops every other sibling, as a last-writer-wins store would.
    private static byte[] KeepNewestOnly(byte[] record)
    {
        var obj = StoredObject.FromRecord(record);
        if (obj.Set.SiblingCount <= 1)
        {
            return record;
        }

        var entries = obj.Set.Entries.ToArray();
        int newest = 0;
        for (int i = 1; i < entries.Length; i++)
        {
            if (entries[i].Values.Length > 0 && (entries[newest].Values.Length == 0 || entries[i].Counter > entries[newest].Counter))
            {
                newest = i;
            }
        }

        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = entries[i] with { Values = i == newest ? entries[i].Values[..1] : [] };
        }

        var set = new DottedVersionVectorSet(entries);
        return StoredObject.Create(set, ObjectCodec.Encode(set), obj.CoordinatorEpoch, obj.TombstoneSince, obj).ToRecord();
    }
}
