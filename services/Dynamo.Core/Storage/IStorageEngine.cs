namespace Dynamo.Core.Storage;

/// <summary>The separate keyspaces of a node's store (RocksDB column families).</summary>
public enum StoreSpace : byte
{
    /// <summary>Replicas: key → stored object (paper §5 "local persistence engine").</summary>
    Data = 0,

    /// <summary>Hinted replicas held for a down owner (§4.6), kept apart from the node's own data.</summary>
    Hints = 1,

    /// <summary>Node metadata: format version, actor epochs, generation.</summary>
    Meta = 2,
}

/// <summary>
/// A node's local persistence engine (paper §5: pluggable, "Berkeley DB, MySQL" there;
/// <see cref="InMemoryStorageEngine"/> and <see cref="RocksDbStorageEngine"/> here). Keys and values are
/// bytes; <see cref="ReplicaStore"/> gives them meaning. Implementations are thread-safe, scans are
/// ordered by unsigned byte order, and a <see cref="StorageBatch"/> is applied atomically.
///
/// Durability (DESIGN §4): once <see cref="Write"/> returns, the batch is in the write-ahead log and
/// survives a process crash; after <see cref="SyncWal"/> it also survives a power failure.
/// </summary>
public interface IStorageEngine : IDisposable
{
    string Name { get; }

    /// <summary>True when writes are not synced as they are made, so the host must call <see cref="SyncWal"/> (group commit).</summary>
    bool NeedsWalSync { get; }

    byte[]? Get(StoreSpace space, ReadOnlySpan<byte> key);

    void Write(StorageBatch batch);

    /// <summary>Up to <paramref name="limit"/> entries with from ≤ key &lt; to (an empty bound is open), in key order, or in reverse from the end.</summary>
    IReadOnlyList<KeyValuePair<byte[], byte[]>> Scan(StoreSpace space, ReadOnlySpan<byte> fromInclusive, ReadOnlySpan<byte> toExclusive, int limit, bool reverse = false);

    /// <summary>Forces everything written so far to stable storage.</summary>
    void SyncWal();

    /// <summary>Approximate bytes held, for metrics.</summary>
    long ApproximateBytes { get; }
}
