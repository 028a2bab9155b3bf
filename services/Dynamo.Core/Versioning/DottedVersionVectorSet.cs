namespace Dynamo.Core.Versioning;

/// <summary>
/// A Dotted Version Vector Set (DVVSet; Almeida, Baquero, Gonçalves, Preguiça, Fonte, "Scalable and
/// Accurate Causality Tracking for Eventually Consistent Stores", 2014; Riak 2.0's dvvset). It is the
/// whole replicated state of one key: the paper's §4.4 "object versions", without the false conflicts
/// and the sibling explosion of per-coordinator vector clocks.
///
/// Per actor I it keeps (I, N, [v_N, v_{N-1}, ...]): every event (I,1..N) is known, and the listed
/// values are the still-live versions whose dots are N, N-1, ... (newest first). Two writes with the
/// same context through the same coordinator get distinct dots and both survive as siblings; a write
/// whose context covers every sibling replaces them all. Immutable.
/// </summary>
public sealed class DottedVersionVectorSet : IEquatable<DottedVersionVectorSet>
{
    public static readonly DottedVersionVectorSet Empty = new([]);

    private readonly Entry[] _entries;

    internal DottedVersionVectorSet(Entry[] sortedEntries) => _entries = sortedEntries;

    // This set's canonical bytes once computed or decoded from (ObjectCodec.EncodeShared): a write is stored
    // and sent to every replica in the same form, so it is encoded once. Set once, first writer wins.
    internal byte[]? SharedEncoding;

    /// <summary>One actor's knowledge: counter N and the live values for dots N, N-1, ... newest first.</summary>
    public readonly record struct Entry(Actor Actor, long Counter, Sibling[] Values)
    {
        internal Entry WithValues(Sibling[] values) => new(Actor, Counter, values);
    }

    public ReadOnlySpan<Entry> Entries => _entries;

    public bool IsEmpty => _entries.Length == 0;

    /// <summary>The number of live versions (siblings), tombstones included.</summary>
    public int SiblingCount
    {
        get
        {
            int n = 0;
            foreach (var e in _entries)
            {
                n += e.Values.Length;
            }

            return n;
        }
    }

    /// <summary>Every live version, in actor order then newest first.</summary>
    public IEnumerable<Sibling> Siblings
    {
        get
        {
            foreach (var e in _entries)
            {
                foreach (var v in e.Values)
                {
                    yield return v;
                }
            }
        }
    }

    /// <summary>Live versions that are values, not tombstones: what a read returns.</summary>
    public List<Sibling> LiveValues()
    {
        var list = new List<Sibling>(1);
        foreach (var e in _entries)
        {
            foreach (var v in e.Values)
            {
                if (!v.IsTombstone)
                {
                    list.Add(v);
                }
            }
        }

        return list;
    }

    /// <summary>True when there are versions and every one of them is a tombstone.</summary>
    public bool IsTombstoneOnly
    {
        get
        {
            bool any = false;
            foreach (var e in _entries)
            {
                foreach (var v in e.Values)
                {
                    if (!v.IsTombstone)
                    {
                        return false;
                    }

                    any = true;
                }
            }

            return any;
        }
    }

    /// <summary>The causal context ("join"): what a client must send back to supersede these versions.</summary>
    public VersionVector Context()
    {
        if (_entries.Length == 0)
        {
            return VersionVector.Empty;
        }

        var vv = new KeyValuePair<Actor, long>[_entries.Length];
        for (int i = 0; i < _entries.Length; i++)
        {
            vv[i] = new(_entries[i].Actor, _entries[i].Counter);
        }

        return VersionVector.FromSorted(vv);
    }

    public long CounterOf(Actor actor)
    {
        foreach (var e in _entries)
        {
            if (e.Actor == actor)
            {
                return e.Counter;
            }
        }

        return 0;
    }

    /// <summary>
    /// The clock that knows exactly the events of <paramref name="context"/> and holds no values: what a
    /// client's context contributes when it is synced into a replica's state.
    /// </summary>
    public static DottedVersionVectorSet FromContext(VersionVector context)
    {
        if (context.Count == 0)
        {
            return Empty;
        }

        var entries = new Entry[context.Count];
        int i = 0;
        foreach (var e in context.Entries)
        {
            entries[i++] = new Entry(e.Key, e.Value, []);
        }

        return new DottedVersionVectorSet(entries);
    }

    /// <summary>
    /// Merge of two replicas' states (dvvset "sync"): a version survives when the other side either holds
    /// it too or has not seen its dot. Commutative, associative and idempotent.
    /// </summary>
    public static DottedVersionVectorSet Sync(DottedVersionVectorSet a, DottedVersionVectorSet b)
    {
        if (ReferenceEquals(a, b) || b._entries.Length == 0)
        {
            return a;
        }

        if (a._entries.Length == 0)
        {
            return b;
        }

        var result = new Entry[a._entries.Length + b._entries.Length];
        int i = 0, j = 0, k = 0;
        while (i < a._entries.Length || j < b._entries.Length)
        {
            if (j >= b._entries.Length || (i < a._entries.Length && a._entries[i].Actor < b._entries[j].Actor))
            {
                result[k++] = a._entries[i++];
            }
            else if (i >= a._entries.Length || b._entries[j].Actor < a._entries[i].Actor)
            {
                result[k++] = b._entries[j++];
            }
            else
            {
                result[k++] = MergeEntry(a._entries[i++], b._entries[j++]);
            }
        }

        Array.Resize(ref result, k);
        return new DottedVersionVectorSet(result);
    }

    // Live dots of x are (Nx - |Lx|, Nx]; x knows every dot <= Nx. A dot of the larger side survives when
    // the smaller side lists it as live or has not seen it: the result is (max(N1-|L1|, N2-|L2|), max(N1,N2)].
    private static Entry MergeEntry(Entry x, Entry y)
    {
        if (x.Counter < y.Counter)
        {
            (x, y) = (y, x);
        }

        long keepFrom = Math.Max(x.Counter - x.Values.Length, y.Counter - y.Values.Length);
        long keep = x.Counter - keepFrom;
        if (keep >= x.Values.Length)
        {
            return x;
        }

        return x.WithValues(x.Values[..(int)Math.Max(0, keep)]);
    }

    /// <summary>
    /// A coordinator's new version (dvvset "update"): drop every version the client's context has seen,
    /// then record <paramref name="value"/> as the next event of <paramref name="actor"/>. Versions the
    /// client did not see stay as siblings.
    /// </summary>
    public DottedVersionVectorSet Update(VersionVector context, Actor actor, Sibling value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        var synced = Sync(this, FromContext(context));
        var entries = synced._entries;
        int idx = 0;
        while (idx < entries.Length && entries[idx].Actor < actor)
        {
            idx++;
        }

        Entry[] result;
        if (idx < entries.Length && entries[idx].Actor == actor)
        {
            result = (Entry[])entries.Clone();
            var old = entries[idx];
            var values = new Sibling[old.Values.Length + 1];
            values[0] = value;
            old.Values.CopyTo(values, 1);
            result[idx] = new Entry(actor, old.Counter + 1, values);
        }
        else
        {
            result = new Entry[entries.Length + 1];
            Array.Copy(entries, 0, result, 0, idx);
            result[idx] = new Entry(actor, 1, [value]);
            Array.Copy(entries, idx, result, idx + 1, entries.Length - idx);
        }

        return new DottedVersionVectorSet(result);
    }

    /// <summary>True when this state has seen every event of <paramref name="other"/>.</summary>
    public bool Descends(DottedVersionVectorSet other) => Context().Descends(other.Context());

    /// <summary>Structural equality: same knowledge and the same live versions (what replicas converge to).</summary>
    public bool Equals(DottedVersionVectorSet? other)
    {
        if (other is null || other._entries.Length != _entries.Length)
        {
            return false;
        }

        for (int i = 0; i < _entries.Length; i++)
        {
            var x = _entries[i];
            var y = other._entries[i];
            if (x.Actor != y.Actor || x.Counter != y.Counter || x.Values.Length != y.Values.Length)
            {
                return false;
            }

            for (int v = 0; v < x.Values.Length; v++)
            {
                if (!x.Values[v].Equals(y.Values[v]))
                {
                    return false;
                }
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as DottedVersionVectorSet);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var e in _entries)
        {
            h.Add(e.Actor);
            h.Add(e.Counter);
            h.Add(e.Values.Length);
        }

        return h.ToHashCode();
    }

    public override string ToString() =>
        "{" + string.Join(", ", _entries.Select(e => $"{e.Actor}:{e.Counter}[{string.Join("|", e.Values.Select(v => v.ToString()))}]")) + "}";
}
