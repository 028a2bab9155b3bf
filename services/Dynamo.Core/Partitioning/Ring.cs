using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;
using Dynamo.Core.Hashing;

namespace Dynamo.Core.Partitioning;

/// <summary>
/// The consistent-hashing ring with the paper's partitioning strategy 3 (§6.2): the hash space is cut
/// into Q equal partitions (Q a power of two) and each partition is owned by one physical node. A key's
/// replicas are the first N distinct nodes met walking the ring from its partition (§4.3).
///
/// A ring is immutable and versioned by an epoch; changes come from <see cref="RingClaim"/> and spread
/// by gossip, so every node that holds the same ring routes identically.
/// </summary>
public sealed class Ring
{
    public const int MaxPartitions = 1 << 20;

    private readonly int[] _owners;
    private readonly Dictionary<NodeId, int> _index;
    private readonly ConcurrentDictionary<long, PreferenceList> _preferenceLists = new();

    public Ring(int partitionCount, long epoch, IReadOnlyList<RingMember> members, int[] owners)
    {
        if (partitionCount < 1 || partitionCount > MaxPartitions || (partitionCount & (partitionCount - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(partitionCount), "Q must be a power of two between 1 and 2^20.");
        }

        if (owners.Length != partitionCount)
        {
            throw new ArgumentException("One owner per partition is required.", nameof(owners));
        }

        var sorted = members.OrderBy(m => m.Id).ToArray();
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Id == sorted[i - 1].Id)
            {
                throw new ArgumentException($"Duplicate member {sorted[i].Id}.", nameof(members));
            }
        }

        // Owners are indexes into the caller's member list; re-index them to the sorted order.
        var remap = new int[members.Count];
        for (int i = 0; i < members.Count; i++)
        {
            remap[i] = Array.FindIndex(sorted, m => m.Id == members[i].Id);
        }

        _owners = new int[partitionCount];
        for (int p = 0; p < partitionCount; p++)
        {
            if ((uint)owners[p] >= (uint)members.Count)
            {
                throw new ArgumentException($"Partition {p} has no valid owner.", nameof(owners));
            }

            _owners[p] = remap[owners[p]];
        }

        PartitionCount = partitionCount;
        Epoch = epoch;
        Members = sorted;
        _index = new Dictionary<NodeId, int>(sorted.Length);
        for (int i = 0; i < sorted.Length; i++)
        {
            _index[sorted[i].Id] = i;
        }

        Fingerprint = ComputeFingerprint();
    }

    /// <summary>Q: the number of equal partitions.</summary>
    public int PartitionCount { get; }

    /// <summary>Bumped by every change; with <see cref="Fingerprint"/> it orders rings totally.</summary>
    public long Epoch { get; }

    /// <summary>Members in ordinal id order.</summary>
    public IReadOnlyList<RingMember> Members { get; }

    /// <summary>A hash of the assignment, used to break ties between rings of the same epoch.</summary>
    public ulong Fingerprint { get; }

    public bool Contains(NodeId node) => _index.ContainsKey(node);

    public RingMember? Member(NodeId node) => _index.TryGetValue(node, out int i) ? Members[i] : null;

    public NodeId Owner(int partition) => Members[_owners[partition]].Id;

    internal int OwnerIndex(int partition) => _owners[partition];

    internal int IndexOf(NodeId node) => _index.TryGetValue(node, out int i) ? i : -1;

    public int PartitionOf(string table, string key) => KeyHash.Compute(table, key).Partition(PartitionCount);

    public int PartitionsOwnedBy(NodeId node)
    {
        if (!_index.TryGetValue(node, out int idx))
        {
            return 0;
        }

        int n = 0;
        foreach (int o in _owners)
        {
            if (o == idx)
            {
                n++;
            }
        }

        return n;
    }

    public IEnumerable<int> PartitionsOf(NodeId node)
    {
        if (!_index.TryGetValue(node, out int idx))
        {
            yield break;
        }

        for (int p = 0; p < _owners.Length; p++)
        {
            if (_owners[p] == idx)
            {
                yield return p;
            }
        }
    }

    /// <summary>The preference list of a partition for replication factor <paramref name="n"/> (cached).</summary>
    public PreferenceList PreferenceList(int partition, int n)
    {
        if ((uint)partition >= (uint)PartitionCount)
        {
            throw new ArgumentOutOfRangeException(nameof(partition));
        }

        long cacheKey = ((long)n << 32) | (uint)partition;
        return _preferenceLists.TryGetValue(cacheKey, out var list)
            ? list
            : _preferenceLists.GetOrAdd(cacheKey, _ => Partitioning.PreferenceList.Compute(this, partition, n));
    }

    /// <summary>Total order used by gossip to pick the winner of two rings: epoch, then fingerprint.</summary>
    public int CompareVersion(Ring other)
    {
        int c = Epoch.CompareTo(other.Epoch);
        return c != 0 ? c : Fingerprint.CompareTo(other.Fingerprint);
    }

    internal int[] OwnersCopy() => (int[])_owners.Clone();

    private ulong ComputeFingerprint()
    {
        var h = new XxHash64();
        Span<byte> buf = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(buf, PartitionCount);
        h.Append(buf);
        foreach (var m in Members)
        {
            h.Append(Encoding.UTF8.GetBytes(m.Id.Value + "\0" + m.Capacity + "\0" + m.Zone + "\0"));
        }

        foreach (int o in _owners)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(buf, o);
            h.Append(buf);
        }

        return h.GetCurrentHashAsUInt64();
    }

    public override string ToString() =>
        $"Ring(Q={PartitionCount}, epoch={Epoch}, {string.Join(", ", Members.Select(m => $"{m.Id}={PartitionsOwnedBy(m.Id)}"))})";
}
