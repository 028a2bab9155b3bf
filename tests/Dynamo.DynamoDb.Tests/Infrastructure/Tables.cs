using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Dynamo.DynamoDb.Tests.Infrastructure;

internal static class Tables
{
    private static int _counter;

    public static string UniqueName(string prefix) => $"{prefix}-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid():N}"[..(prefix.Length + 16)];

    /// <summary>Creates a table with a hash key (and optional range key) and returns its name.</summary>
    public static async Task<string> CreateAsync(
        IAmazonDynamoDB client,
        string prefix,
        string hashName = "pk",
        ScalarAttributeType? hashType = null,
        string? rangeName = null,
        ScalarAttributeType? rangeType = null)
    {
        var name = UniqueName(prefix);
        var request = new CreateTableRequest
        {
            TableName = name,
            KeySchema = [new KeySchemaElement(hashName, KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition(hashName, hashType ?? ScalarAttributeType.S)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        };
        if (rangeName is not null)
        {
            request.KeySchema.Add(new KeySchemaElement(rangeName, KeyType.RANGE));
            request.AttributeDefinitions.Add(new AttributeDefinition(rangeName, rangeType ?? ScalarAttributeType.S));
        }

        var response = await client.CreateTableAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(TableStatus.ACTIVE, response.TableDescription.TableStatus);
        return name;
    }
}

internal static class Av
{
    public static AttributeValue S(string s) => new() { S = s };

    public static AttributeValue N(string n) => new() { N = n };

    public static AttributeValue Bool(bool b) => new() { BOOL = b };

    public static AttributeValue B(params byte[] bytes) => new() { B = new MemoryStream(bytes) };
}
