using System.Buffers.Binary;
using Dynamo.Core.Storage;

namespace Dynamo.Core.Replication;

/// <summary>
/// Hands out actor epochs (see <see cref="Versioning.Actor"/>). Epochs are reserved in blocks, and the
/// reservation is written durably before any epoch of the block is used; after a restart the node starts
/// past every epoch it may have used before. An epoch recorded on a key is trusted only when it was
/// allocated in this run (<see cref="IsCurrent"/>): anything older may have issued dots this node no
/// longer remembers, so the node starts a new epoch for that key rather than risk reusing a dot.
/// </summary>
internal sealed class EpochAllocator
{
    private const string MetaKey = "actor-epochs-reserved";
    private const uint BlockSize = 4096;

    private readonly ReplicaStore _store;
    private uint _next;
    private uint _reservedUpTo;

    public EpochAllocator(ReplicaStore store)
    {
        _store = store;
        var raw = store.GetMeta(MetaKey);
        uint reserved = raw is { Length: 4 } ? BinaryPrimitives.ReadUInt32LittleEndian(raw) : 0;
        FirstOfThisRun = reserved + 1;
        _next = FirstOfThisRun;
        _reservedUpTo = reserved;
    }

    /// <summary>The first epoch allocated in this run of the process.</summary>
    public uint FirstOfThisRun { get; }

    public bool IsCurrent(uint epoch) => epoch >= FirstOfThisRun && epoch < _next;

    public uint Allocate()
    {
        if (_next > _reservedUpTo)
        {
            _reservedUpTo = checked(_next + BlockSize - 1);
            var raw = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(raw, _reservedUpTo);
            _store.PutMeta(MetaKey, raw);
            _store.Engine.SyncWal();
        }

        return _next++;
    }
}
