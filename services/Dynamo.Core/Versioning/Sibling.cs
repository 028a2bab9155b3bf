namespace Dynamo.Core.Versioning;

/// <summary>
/// One version's payload: the value bytes and content type a client wrote, or a tombstone left by a
/// delete (paper §4.4: a delete is a put of a tombstone, so that causality covers it). Immutable: the
/// value array is never written after construction.
/// </summary>
public sealed class Sibling : IEquatable<Sibling>
{
    private static readonly byte[] NoBytes = [];

    public static readonly Sibling Tombstone = new(NoBytes, null, isTombstone: true);

    private readonly byte[] _value;

    public Sibling(byte[] value, string? contentType)
        : this(value, contentType, isTombstone: false)
    {
    }

    private Sibling(byte[] value, string? contentType, bool isTombstone)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
        ContentType = string.IsNullOrEmpty(contentType) ? null : contentType;
        IsTombstone = isTombstone;
    }

    public ReadOnlyMemory<byte> Value => _value;

    public string? ContentType { get; }

    public bool IsTombstone { get; }

    internal byte[] RawValue => _value;

    internal static Sibling Create(byte[] value, string? contentType, bool isTombstone) =>
        isTombstone ? Tombstone : new Sibling(value, contentType);

    public bool Equals(Sibling? other) =>
        other is not null
        && IsTombstone == other.IsTombstone
        && string.Equals(ContentType, other.ContentType, StringComparison.Ordinal)
        && _value.AsSpan().SequenceEqual(other._value);

    public override bool Equals(object? obj) => Equals(obj as Sibling);

    public override int GetHashCode() => HashCode.Combine(IsTombstone, ContentType, _value.Length);

    public override string ToString() =>
        IsTombstone ? "<tombstone>" : $"{_value.Length} bytes{(ContentType is null ? "" : " " + ContentType)}";
}
