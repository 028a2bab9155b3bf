namespace Dynamo.Core.Storage;

/// <summary>
/// A sorted in-memory engine for tests, the simulator and the demo. "Durable" for as long as the object
/// lives: the simulator keeps it across a simulated process crash, as a disk would be kept.
/// </summary>
public sealed class InMemoryStorageEngine : IStorageEngine
{
    private static readonly IComparer<Entry> ByKey =
        Comparer<Entry>.Create(static (a, b) => ByteArrayComparer.Instance.Compare(a.Key, b.Key));

    private readonly SortedSet<Entry>[] _spaces = [new(ByKey), new(ByKey), new(ByKey)];
    private readonly Lock _lock = new();
    private long _bytes;

    private sealed class Entry(byte[] key, byte[] value)
    {
        public byte[] Key { get; } = key;

        public byte[] Value { get; set; } = value;
    }

    public string Name => "inmemory";

    public bool NeedsWalSync => false;

    public long ApproximateBytes => Interlocked.Read(ref _bytes);

    public byte[]? Get(StoreSpace space, ReadOnlySpan<byte> key)
    {
        var probe = new Entry(key.ToArray(), []);
        lock (_lock)
        {
            return _spaces[(int)space].TryGetValue(probe, out var e) ? e.Value : null;
        }
    }

    public void Write(StorageBatch batch)
    {
        lock (_lock)
        {
            foreach (var op in batch.Operations)
            {
                var set = _spaces[(int)op.Space];
                var probe = new Entry(op.Key, []);
                if (set.TryGetValue(probe, out var existing))
                {
                    _bytes -= existing.Key.Length + existing.Value.Length;
                    if (op.Value is null)
                    {
                        set.Remove(existing);
                        continue;
                    }

                    // Copy so a caller reusing its buffer cannot change stored data.
                    existing.Value = (byte[])op.Value.Clone();
                    _bytes += existing.Key.Length + existing.Value.Length;
                }
                else if (op.Value is not null)
                {
                    set.Add(new Entry((byte[])op.Key.Clone(), (byte[])op.Value.Clone()));
                    _bytes += op.Key.Length + op.Value.Length;
                }
            }
        }
    }

    public IReadOnlyList<KeyValuePair<byte[], byte[]>> Scan(StoreSpace space, ReadOnlySpan<byte> fromInclusive, ReadOnlySpan<byte> toExclusive, int limit, bool reverse = false)
    {
        var result = new List<KeyValuePair<byte[], byte[]>>();
        var from = new Entry(fromInclusive.ToArray(), []);
        byte[] to = toExclusive.ToArray();
        lock (_lock)
        {
            var set = _spaces[(int)space];
            if (set.Count == 0 || set.Max is not { } max || ByKey.Compare(from, max) > 0)
            {
                return result;
            }

            var view = set.GetViewBetween(from, max);
            foreach (var e in reverse ? view.Reverse() : view)
            {
                if (to.Length > 0 && ByteArrayComparer.Instance.Compare(e.Key, to) >= 0)
                {
                    if (reverse)
                    {
                        continue;
                    }

                    break;
                }

                result.Add(new(e.Key, e.Value));
                if (result.Count >= limit)
                {
                    break;
                }
            }
        }

        return result;
    }

    public void SyncWal()
    {
    }

    public void Dispose()
    {
    }
}
