using Dynamo.DynamoDb.Model;

namespace Dynamo.DynamoDb.Protocol;

/// <summary>DynamoDB error type names (the <c>__type</c> field of an error body).</summary>
public static class DynamoDbErrorTypes
{
    private const string Dynamo = "com.amazonaws.dynamodb.v20120810#";
    private const string Coral = "com.amazon.coral.service#";

    /// <summary>Invalid parameter values.</summary>
    public const string Validation = Dynamo + "ValidationException";

    /// <summary>Table does not exist.</summary>
    public const string ResourceNotFound = Dynamo + "ResourceNotFoundException";

    /// <summary>Table already exists.</summary>
    public const string ResourceInUse = Dynamo + "ResourceInUseException";

    /// <summary>ConditionExpression evaluated to false.</summary>
    public const string ConditionalCheckFailed = Dynamo + "ConditionalCheckFailedException";

    /// <summary>Store failure (500).</summary>
    public const string InternalServerError = Dynamo + "InternalServerError";

    /// <summary>Store unavailable (503).</summary>
    public const string ServiceUnavailable = Dynamo + "ServiceUnavailable";

    /// <summary>Malformed request body.</summary>
    public const string Serialization = Coral + "SerializationException";

    /// <summary>Unknown X-Amz-Target.</summary>
    public const string UnknownOperation = Coral + "UnknownOperationException";

    /// <summary>No Authorization header.</summary>
    public const string MissingAuthenticationToken = Coral + "MissingAuthenticationTokenException";

    /// <summary>Unknown access key.</summary>
    public const string UnrecognizedClient = Coral + "UnrecognizedClientException";

    /// <summary>Signature mismatch / expired.</summary>
    public const string InvalidSignature = Coral + "InvalidSignatureException";

    /// <summary>Malformed Authorization header.</summary>
    public const string IncompleteSignature = Coral + "IncompleteSignatureException";
}

/// <summary>An error to be returned to the client in DynamoDB's JSON error format.</summary>
public sealed class DynamoDbErrorException : Exception
{
    /// <summary>Creates an error.</summary>
    public DynamoDbErrorException(string errorType, string message, int statusCode = 400, IReadOnlyDictionary<string, AttributeValue>? item = null)
        : base(message)
    {
        ErrorType = errorType;
        StatusCode = statusCode;
        Item = item;
    }

    /// <summary>Creates a ValidationException.</summary>
    public DynamoDbErrorException()
        : this(DynamoDbErrorTypes.Validation, "Validation error")
    {
    }

    /// <summary>Creates a ValidationException.</summary>
    public DynamoDbErrorException(string message)
        : this(DynamoDbErrorTypes.Validation, message)
    {
    }

    /// <summary>Creates a ValidationException.</summary>
    public DynamoDbErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorType = DynamoDbErrorTypes.Validation;
        StatusCode = 400;
    }

    /// <summary>Full <c>__type</c>.</summary>
    public string ErrorType { get; }

    /// <summary>HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>Item returned with ConditionalCheckFailedException when ReturnValuesOnConditionCheckFailure=ALL_OLD.</summary>
    public IReadOnlyDictionary<string, AttributeValue>? Item { get; }

    internal static DynamoDbErrorException Validation(string message) => new(DynamoDbErrorTypes.Validation, message);

    internal static DynamoDbErrorException Serialization(string message) => new(DynamoDbErrorTypes.Serialization, message);

    internal static DynamoDbErrorException TableNotFound(string tableName) =>
        new(DynamoDbErrorTypes.ResourceNotFound, $"Requested resource not found: Table: {tableName} not found");

    internal static DynamoDbErrorException ResourceNotFound() =>
        new(DynamoDbErrorTypes.ResourceNotFound, "Requested resource not found");

    internal static DynamoDbErrorException ConditionFailed(IReadOnlyDictionary<string, AttributeValue>? item) =>
        new(DynamoDbErrorTypes.ConditionalCheckFailed, "The conditional request failed", 400, item);
}
