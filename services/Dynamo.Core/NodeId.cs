namespace Dynamo.Core;

/// <summary>
/// The identity of a physical node (paper §4.2: a "physical node" that owns virtual-node positions).
/// Compared ordinally so that every process orders nodes identically (.NET randomizes string hashing
/// per process, so nothing here may depend on hash-based iteration order).
/// </summary>
public readonly record struct NodeId : IComparable<NodeId>
{
    public const int MaxLength = 128;

    public NodeId(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (value.Length > MaxLength)
        {
            throw new ArgumentException($"A node id is at most {MaxLength} characters.", nameof(value));
        }

        Value = value;
    }

    public string Value { get; }

    public int CompareTo(NodeId other) => string.CompareOrdinal(Value, other.Value);

    public bool Equals(NodeId other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override int GetHashCode() => Value is null ? 0 : StringComparer.Ordinal.GetHashCode(Value);

    public override string ToString() => Value;

    public static bool operator <(NodeId left, NodeId right) => left.CompareTo(right) < 0;

    public static bool operator >(NodeId left, NodeId right) => left.CompareTo(right) > 0;

    public static bool operator <=(NodeId left, NodeId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(NodeId left, NodeId right) => left.CompareTo(right) >= 0;
}
