namespace Dynamo.DynamoDb;

/// <summary>How requests are authenticated.</summary>
public enum DynamoDbAuthenticationMode
{
    /// <summary>
    /// No authentication (default). An Authorization header, if present, is parsed (to learn the region for ARNs)
    /// but not verified; requests without one are accepted.
    /// </summary>
    None,

    /// <summary>
    /// Every request must carry a valid AWS Signature Version 4 made with one of <see cref="DynamoDbApiOptions.Credentials"/>
    /// for service "dynamodb".
    /// </summary>
    SignatureV4,
}

/// <summary>Options of the DynamoDB API endpoint.</summary>
public sealed class DynamoDbApiOptions
{
    /// <summary>Authentication mode (default <see cref="DynamoDbAuthenticationMode.None"/>).</summary>
    public DynamoDbAuthenticationMode Authentication { get; set; } = DynamoDbAuthenticationMode.None;

    /// <summary>Accepted access key id → secret access key (for <see cref="DynamoDbAuthenticationMode.SignatureV4"/>).</summary>
    public IDictionary<string, string> Credentials { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Maximum allowed difference between the request's X-Amz-Date and the server clock (DynamoDB: 15 minutes).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Region used in ARNs when the request carries no credential scope.</summary>
    public string DefaultRegion { get; set; } = "us-east-1";

    /// <summary>Account id used in table ARNs.</summary>
    public string AccountId { get; set; } = "000000000000";

    /// <summary>Largest accepted request body (DynamoDB: 16 MB).</summary>
    public int MaxRequestBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How many times a conditional write retries its read-evaluate-write when the store reports a concurrent change.</summary>
    public int ConditionalWriteRetries { get; set; } = 8;

    /// <summary>Convenience: require SigV4 with a single static key pair.</summary>
    public DynamoDbApiOptions RequireSignature(string accessKeyId, string secretAccessKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        Authentication = DynamoDbAuthenticationMode.SignatureV4;
        Credentials[accessKeyId] = secretAccessKey;
        return this;
    }
}
