using System.Text;

namespace Dynamo.Core.Versioning;

/// <summary>
/// A version vector: for each actor, the highest counter whose events are all known (paper §4.4's
/// vector clock). It is the causal context a client carries between a read and the write that follows.
/// Immutable; entries sorted by actor.
/// </summary>
public sealed class VersionVector : IEquatable<VersionVector>
{
    public static readonly VersionVector Empty = new([]);

    private readonly KeyValuePair<Actor, long>[] _entries;

    private VersionVector(KeyValuePair<Actor, long>[] sortedEntries) => _entries = sortedEntries;

    public ReadOnlySpan<KeyValuePair<Actor, long>> Entries => _entries;

    public int Count => _entries.Length;

    /// <summary>Builds a vector from arbitrary (actor, counter) pairs; duplicates keep the maximum.</summary>
    public static VersionVector From(IEnumerable<KeyValuePair<Actor, long>> entries)
    {
        var list = new List<KeyValuePair<Actor, long>>();
        foreach (var e in entries)
        {
            if (e.Value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(entries), "Counters are non-negative.");
            }

            if (e.Value > 0)
            {
                list.Add(e);
            }
        }

        list.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        var result = new List<KeyValuePair<Actor, long>>(list.Count);
        foreach (var e in list)
        {
            if (result.Count > 0 && result[^1].Key == e.Key)
            {
                result[^1] = new(e.Key, Math.Max(result[^1].Value, e.Value));
            }
            else
            {
                result.Add(e);
            }
        }

        return result.Count == 0 ? Empty : new VersionVector([.. result]);
    }

    /// <summary>Wraps entries that are already sorted, distinct and positive (the codecs check this).</summary>
    internal static VersionVector FromSorted(KeyValuePair<Actor, long>[] entries) =>
        entries.Length == 0 ? Empty : new VersionVector(entries);

    public long this[Actor actor]
    {
        get
        {
            int lo = 0, hi = _entries.Length - 1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                int c = _entries[mid].Key.CompareTo(actor);
                if (c == 0)
                {
                    return _entries[mid].Value;
                }

                if (c < 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return 0;
        }
    }

    /// <summary>True when this vector has seen every event <paramref name="other"/> has seen.</summary>
    public bool Descends(VersionVector other)
    {
        foreach (var e in other._entries)
        {
            if (this[e.Key] < e.Value)
            {
                return false;
            }
        }

        return true;
    }

    public VersionVector Merge(VersionVector other)
    {
        if (other._entries.Length == 0)
        {
            return this;
        }

        if (_entries.Length == 0)
        {
            return other;
        }

        var result = new List<KeyValuePair<Actor, long>>(_entries.Length + other._entries.Length);
        int i = 0, j = 0;
        while (i < _entries.Length || j < other._entries.Length)
        {
            if (j >= other._entries.Length || (i < _entries.Length && _entries[i].Key < other._entries[j].Key))
            {
                result.Add(_entries[i++]);
            }
            else if (i >= _entries.Length || other._entries[j].Key < _entries[i].Key)
            {
                result.Add(other._entries[j++]);
            }
            else
            {
                result.Add(new(_entries[i].Key, Math.Max(_entries[i].Value, other._entries[j].Value)));
                i++;
                j++;
            }
        }

        return new VersionVector([.. result]);
    }

    public bool Equals(VersionVector? other)
    {
        if (other is null || other._entries.Length != _entries.Length)
        {
            return false;
        }

        for (int i = 0; i < _entries.Length; i++)
        {
            if (_entries[i].Key != other._entries[i].Key || _entries[i].Value != other._entries[i].Value)
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as VersionVector);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var e in _entries)
        {
            h.Add(e.Key);
            h.Add(e.Value);
        }

        return h.ToHashCode();
    }

    public override string ToString()
    {
        var sb = new StringBuilder("[");
        foreach (var e in _entries)
        {
            if (sb.Length > 1)
            {
                sb.Append(", ");
            }

            sb.Append(e.Key).Append(':').Append(e.Value);
        }

        return sb.Append(']').ToString();
    }
}
