namespace Dynamo.DynamoDb.Model;

/// <summary>Types allowed for key attributes.</summary>
public enum ScalarAttributeType : byte
{
    /// <summary>String.</summary>
    S = AttributeType.S,

    /// <summary>Number.</summary>
    N = AttributeType.N,

    /// <summary>Binary.</summary>
    B = AttributeType.B,
}

/// <summary>A key attribute of a table: its name and scalar type.</summary>
/// <param name="Name">Attribute name.</param>
/// <param name="Type">S, N or B.</param>
public sealed record KeyAttribute(string Name, ScalarAttributeType Type);

/// <summary>DynamoDB billing modes.</summary>
public enum BillingMode
{
    /// <summary>Provisioned capacity (the default).</summary>
    Provisioned,

    /// <summary>On-demand.</summary>
    PayPerRequest,
}

/// <summary>
/// Provisioned throughput settings, as reported by DescribeTable. Accepted and reported only;
/// nothing is throttled.
/// </summary>
/// <param name="ReadCapacityUnits">Read capacity units (0 in on-demand mode).</param>
/// <param name="WriteCapacityUnits">Write capacity units (0 in on-demand mode).</param>
/// <param name="LastIncreaseDateTime">Last increase time, if any.</param>
/// <param name="LastDecreaseDateTime">Last decrease time, if any.</param>
/// <param name="NumberOfDecreasesToday">Decreases today.</param>
public sealed record ProvisionedThroughput(
    long ReadCapacityUnits,
    long WriteCapacityUnits,
    DateTimeOffset? LastIncreaseDateTime = null,
    DateTimeOffset? LastDecreaseDateTime = null,
    int NumberOfDecreasesToday = 0);

/// <summary>
/// A table's catalog entry: everything the API needs to know about a table. Stored by the
/// <see cref="Storage.IItemStore"/> catalog; the API layer never mutates an instance (it uses <c>with</c>).
/// </summary>
/// <param name="Name">Table name.</param>
/// <param name="HashKey">Partition key.</param>
/// <param name="RangeKey">Sort key, if any.</param>
/// <param name="BillingMode">Billing mode.</param>
/// <param name="Throughput">Provisioned throughput (0/0 in on-demand mode).</param>
/// <param name="CreationDateTime">Creation time.</param>
/// <param name="TableId">Stable unique id (a GUID).</param>
/// <param name="LastUpdateToPayPerRequestDateTime">When the table last switched to on-demand.</param>
public sealed record TableDescriptor(
    string Name,
    KeyAttribute HashKey,
    KeyAttribute? RangeKey,
    BillingMode BillingMode,
    ProvisionedThroughput Throughput,
    DateTimeOffset CreationDateTime,
    Guid TableId,
    DateTimeOffset? LastUpdateToPayPerRequestDateTime = null)
{
    /// <summary>Key attributes in schema order (HASH, then RANGE).</summary>
    public IEnumerable<KeyAttribute> KeyAttributes
    {
        get
        {
            yield return HashKey;
            if (RangeKey is not null)
            {
                yield return RangeKey;
            }
        }
    }

    /// <summary>Whether <paramref name="attributeName"/> is a key attribute.</summary>
    public bool IsKeyAttribute(string attributeName) =>
        string.Equals(HashKey.Name, attributeName, StringComparison.Ordinal)
        || (RangeKey is not null && string.Equals(RangeKey.Name, attributeName, StringComparison.Ordinal));
}
