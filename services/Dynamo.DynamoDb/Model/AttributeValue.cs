using System.Text;

namespace Dynamo.DynamoDb.Model;

/// <summary>The ten DynamoDB data types.</summary>
public enum AttributeType : byte
{
    /// <summary>String.</summary>
    S = 1,

    /// <summary>Number.</summary>
    N = 2,

    /// <summary>Binary.</summary>
    B = 3,

    /// <summary>Boolean.</summary>
    BOOL = 4,

    /// <summary>Null.</summary>
    NULL = 5,

    /// <summary>Map.</summary>
    M = 6,

    /// <summary>List.</summary>
    L = 7,

    /// <summary>String set.</summary>
    SS = 8,

    /// <summary>Number set.</summary>
    NS = 9,

    /// <summary>Binary set.</summary>
    BS = 10,
}

/// <summary>
/// An immutable DynamoDB attribute value. Maps, lists and sets are read-only views over collections
/// owned by the value; binary payloads must not be mutated after construction.
/// </summary>
public sealed class AttributeValue : IEquatable<AttributeValue>
{
    private static readonly AttributeValue TrueValue = new(AttributeType.BOOL, null, true);
    private static readonly AttributeValue FalseValue = new(AttributeType.BOOL, null, false);
    private static readonly AttributeValue NullValue = new(AttributeType.NULL, null, true);

    private readonly object? _value;
    private readonly bool _bool;

    private AttributeValue(AttributeType type, object? value, bool flag)
    {
        Type = type;
        _value = value;
        _bool = flag;
    }

    /// <summary>The data type.</summary>
    public AttributeType Type { get; }

    /// <summary>String value (type S).</summary>
    public string S => Type == AttributeType.S ? (string)_value! : throw WrongType(AttributeType.S);

    /// <summary>Number value (type N).</summary>
    public DynamoNumber N => Type == AttributeType.N ? (DynamoNumber)_value! : throw WrongType(AttributeType.N);

    /// <summary>Binary value (type B). Do not mutate.</summary>
    public byte[] B => Type == AttributeType.B ? (byte[])_value! : throw WrongType(AttributeType.B);

    /// <summary>Boolean value (type BOOL).</summary>
    public bool Bool => Type == AttributeType.BOOL ? _bool : throw WrongType(AttributeType.BOOL);

    /// <summary>Map value (type M).</summary>
    public IReadOnlyDictionary<string, AttributeValue> M =>
        Type == AttributeType.M ? (IReadOnlyDictionary<string, AttributeValue>)_value! : throw WrongType(AttributeType.M);

    /// <summary>List value (type L).</summary>
    public IReadOnlyList<AttributeValue> L =>
        Type == AttributeType.L ? (IReadOnlyList<AttributeValue>)_value! : throw WrongType(AttributeType.L);

    /// <summary>String set (type SS), in insertion order, no duplicates.</summary>
    public IReadOnlyList<string> SS => Type == AttributeType.SS ? (IReadOnlyList<string>)_value! : throw WrongType(AttributeType.SS);

    /// <summary>Number set (type NS), in insertion order, no numerically equal duplicates.</summary>
    public IReadOnlyList<DynamoNumber> NS =>
        Type == AttributeType.NS ? (IReadOnlyList<DynamoNumber>)_value! : throw WrongType(AttributeType.NS);

    /// <summary>Binary set (type BS), in insertion order, no duplicates.</summary>
    public IReadOnlyList<byte[]> BS => Type == AttributeType.BS ? (IReadOnlyList<byte[]>)_value! : throw WrongType(AttributeType.BS);

    /// <summary>Whether this is one of SS, NS, BS.</summary>
    public bool IsSet => Type is AttributeType.SS or AttributeType.NS or AttributeType.BS;

    /// <summary>Number of elements of a set.</summary>
    public int SetCount => Type switch
    {
        AttributeType.SS => SS.Count,
        AttributeType.NS => NS.Count,
        AttributeType.BS => BS.Count,
        _ => throw new InvalidOperationException("Not a set."),
    };

    /// <summary>Creates a string value.</summary>
    public static AttributeValue FromS(string value) => new(AttributeType.S, value ?? throw new ArgumentNullException(nameof(value)), false);

    /// <summary>Creates a number value.</summary>
    public static AttributeValue FromN(DynamoNumber value) => new(AttributeType.N, value, false);

    /// <summary>Creates a number value from a string (throws <see cref="FormatException"/> on invalid input).</summary>
    public static AttributeValue FromN(string value) => FromN(DynamoNumber.Parse(value));

    /// <summary>Creates a binary value (the array is owned by the value afterwards).</summary>
    public static AttributeValue FromB(byte[] value) => new(AttributeType.B, value ?? throw new ArgumentNullException(nameof(value)), false);

    /// <summary>Creates a boolean value.</summary>
    public static AttributeValue FromBool(bool value) => value ? TrueValue : FalseValue;

    /// <summary>The NULL value.</summary>
    public static AttributeValue Null => NullValue;

    /// <summary>Creates a map value (the dictionary is owned by the value afterwards).</summary>
    public static AttributeValue FromM(IReadOnlyDictionary<string, AttributeValue> value) =>
        new(AttributeType.M, value ?? throw new ArgumentNullException(nameof(value)), false);

    /// <summary>Creates a list value (the list is owned by the value afterwards).</summary>
    public static AttributeValue FromL(IReadOnlyList<AttributeValue> value) =>
        new(AttributeType.L, value ?? throw new ArgumentNullException(nameof(value)), false);

    /// <summary>Creates a string set; must be non-empty without duplicates (not checked here).</summary>
    public static AttributeValue FromSS(IReadOnlyList<string> value) => new(AttributeType.SS, value, false);

    /// <summary>Creates a number set; must be non-empty without duplicates (not checked here).</summary>
    public static AttributeValue FromNS(IReadOnlyList<DynamoNumber> value) => new(AttributeType.NS, value, false);

    /// <summary>Creates a binary set; must be non-empty without duplicates (not checked here).</summary>
    public static AttributeValue FromBS(IReadOnlyList<byte[]> value) => new(AttributeType.BS, value, false);

    /// <summary>
    /// Total order used for key comparisons and comparison operators on scalar types of the same kind:
    /// S by UTF-8 bytes, N numerically, B by unsigned bytes. Returns null when not comparable.
    /// </summary>
    public static int? CompareScalars(AttributeValue a, AttributeValue b)
    {
        if (a.Type != b.Type)
        {
            return null;
        }

        return a.Type switch
        {
            AttributeType.S => CompareUtf8(a.S, b.S),
            AttributeType.N => a.N.CompareTo(b.N),
            AttributeType.B => a.B.AsSpan().SequenceCompareTo(b.B),
            _ => null,
        };
    }

    /// <summary>Compares strings by their UTF-8 encodings (equivalently, by Unicode code points).</summary>
    public static int CompareUtf8(string a, string b)
    {
        var ea = a.EnumerateRunes();
        var eb = b.EnumerateRunes();
        while (true)
        {
            var hasA = ea.MoveNext();
            var hasB = eb.MoveNext();
            if (!hasA || !hasB)
            {
                return hasA == hasB ? 0 : hasA ? 1 : -1;
            }

            var c = ea.Current.Value.CompareTo(eb.Current.Value);
            if (c != 0)
            {
                return c;
            }
        }
    }

    /// <inheritdoc />
    public bool Equals(AttributeValue? other)
    {
        if (other is null || other.Type != Type)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        switch (Type)
        {
            case AttributeType.S:
                return string.Equals(S, other.S, StringComparison.Ordinal);
            case AttributeType.N:
                return N == other.N;
            case AttributeType.B:
                return B.AsSpan().SequenceEqual(other.B);
            case AttributeType.BOOL:
                return Bool == other.Bool;
            case AttributeType.NULL:
                return true;
            case AttributeType.M:
                {
                    var ma = M;
                    var mb = other.M;
                    if (ma.Count != mb.Count)
                    {
                        return false;
                    }

                    foreach (var (k, v) in ma)
                    {
                        if (!mb.TryGetValue(k, out var w) || !v.Equals(w))
                        {
                            return false;
                        }
                    }

                    return true;
                }

            case AttributeType.L:
                {
                    var la = L;
                    var lb = other.L;
                    if (la.Count != lb.Count)
                    {
                        return false;
                    }

                    for (var i = 0; i < la.Count; i++)
                    {
                        if (!la[i].Equals(lb[i]))
                        {
                            return false;
                        }
                    }

                    return true;
                }

            case AttributeType.SS:
                return SS.Count == other.SS.Count && new HashSet<string>(SS, StringComparer.Ordinal).SetEquals(other.SS);
            case AttributeType.NS:
                return NS.Count == other.NS.Count && new HashSet<DynamoNumber>(NS).SetEquals(other.NS);
            case AttributeType.BS:
                return BS.Count == other.BS.Count && new HashSet<byte[]>(BS, ByteArrayEqualityComparer.Instance).SetEquals(other.BS);
            default:
                return false;
        }
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as AttributeValue);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        return Type switch
        {
            AttributeType.S => HashCode.Combine(Type, StringComparer.Ordinal.GetHashCode(S)),
            AttributeType.N => HashCode.Combine(Type, N),
            AttributeType.B => HashCode.Combine(Type, ByteArrayEqualityComparer.Instance.GetHashCode(B)),
            AttributeType.BOOL => HashCode.Combine(Type, Bool),
            AttributeType.M => HashCode.Combine(Type, M.Count),
            AttributeType.L => HashCode.Combine(Type, L.Count),
            AttributeType.SS or AttributeType.NS or AttributeType.BS => HashCode.Combine(Type, SetCount),
            _ => (int)Type,
        };
    }

    /// <summary>Debug-friendly JSON-like rendering.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Append(sb, this);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, AttributeValue v)
    {
        sb.Append('{').Append(v.Type).Append(':');
        switch (v.Type)
        {
            case AttributeType.S: sb.Append(v.S); break;
            case AttributeType.N: sb.Append(v.N.ToString()); break;
            case AttributeType.B: sb.Append(Convert.ToBase64String(v.B)); break;
            case AttributeType.BOOL: sb.Append(v.Bool ? "true" : "false"); break;
            case AttributeType.NULL: sb.Append("true"); break;
            case AttributeType.SS: sb.Append('[').AppendJoin(", ", v.SS).Append(']'); break;
            case AttributeType.NS: sb.Append('[').AppendJoin(", ", v.NS.Select(n => n.ToString())).Append(']'); break;
            case AttributeType.BS: sb.Append('[').AppendJoin(", ", v.BS.Select(Convert.ToBase64String)).Append(']'); break;
            case AttributeType.L:
                sb.Append('[');
                for (var i = 0; i < v.L.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    Append(sb, v.L[i]);
                }

                sb.Append(']');
                break;
            case AttributeType.M:
                sb.Append('{');
                var first = true;
                foreach (var (k, e) in v.M)
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    sb.Append(k).Append('=');
                    Append(sb, e);
                }

                sb.Append('}');
                break;
            default:
                break;
        }

        sb.Append('}');
    }

    private InvalidOperationException WrongType(AttributeType wanted) =>
        new($"Attribute value is of type {Type}, not {wanted}.");
}

/// <summary>Content equality for byte arrays.</summary>
public sealed class ByteArrayEqualityComparer : IEqualityComparer<byte[]>
{
    /// <summary>Shared instance.</summary>
    public static ByteArrayEqualityComparer Instance { get; } = new();

    /// <inheritdoc />
    public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

    /// <inheritdoc />
    public int GetHashCode(byte[] obj)
    {
        var h = new HashCode();
        h.AddBytes(obj);
        return h.ToHashCode();
    }
}
