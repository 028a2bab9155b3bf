using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Dynamo.DynamoDb.Tests.Infrastructure;

namespace Dynamo.DynamoDb.Tests;

public sealed class ValidationTests(OpenServerFixture fixture) : IClassFixture<OpenServerFixture>
{
    private readonly AmazonDynamoDBClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> PutFailsAsync(string table, Dictionary<string, AttributeValue> item)
    {
        var e = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.PutItemAsync(new PutItemRequest { TableName = table, Item = item }, Ct));
        Assert.Equal("ValidationException", e.ErrorCode);
        return e.Message;
    }

    [Fact]
    public async Task ItemKeys_AreValidatedAgainstTheSchema()
    {
        var table = await Tables.CreateAsync(_client, "keys", rangeName: "sk", rangeType: ScalarAttributeType.N);
        Assert.Equal("One or more parameter values were invalid: Missing the key sk in the item", await PutFailsAsync(table, new() { ["pk"] = Av.S("a") }));
        Assert.Equal(
            "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S",
            await PutFailsAsync(table, new() { ["pk"] = Av.S("a"), ["sk"] = Av.S("1") }));
        Assert.Equal(
            "One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain an empty string value. Key: pk",
            await PutFailsAsync(table, new() { ["pk"] = Av.S(string.Empty), ["sk"] = Av.N("1") }));
        Assert.Equal(
            "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes",
            await PutFailsAsync(table, new() { ["pk"] = Av.S(new string('k', 2049)), ["sk"] = Av.N("1") }));
        await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S(new string('k', 2048)), ["sk"] = Av.N("1") } }, Ct);

        var wrongKey = await Assert.ThrowsAsync<AmazonDynamoDBException>(() =>
            _client.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = Av.S("a") }, Ct));
        Assert.Equal("The provided key element does not match the schema", wrongKey.Message);
        var extraKey = await Assert.ThrowsAsync<AmazonDynamoDBException>(() =>
            _client.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = Av.S("a"), ["sk"] = Av.N("1"), ["x"] = Av.S("y") }, Ct));
        Assert.Equal("The provided key element does not match the schema", extraKey.Message);

        var rangeTable = await Tables.CreateAsync(_client, "skeys", rangeName: "sk");
        Assert.Equal(
            "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes",
            await PutFailsAsync(rangeTable, new() { ["pk"] = Av.S("a"), ["sk"] = Av.S(new string('s', 1025)) }));
    }

    [Fact]
    public async Task AttributeValues_AreValidatedLikeDynamoDb()
    {
        var table = await Tables.CreateAsync(_client, "vals");
        Assert.Equal(
            "One or more parameter values were invalid: An string set  may not be empty",
            await PutFailsAsync(table, new() { ["pk"] = Av.S("a"), ["ss"] = new AttributeValue { SS = [], IsSSSet = true } }));
        Assert.Equal(
            "One or more parameter values were invalid: An number set  may not be empty",
            await PutFailsAsync(table, new() { ["pk"] = Av.S("a"), ["ns"] = new AttributeValue { NS = [], IsNSSet = true } }));
        Assert.Equal(
            "One or more parameter values were invalid: Input collection [x, x] contains duplicates.",
            await PutFailsAsync(table, new() { ["pk"] = Av.S("a"), ["ss"] = new AttributeValue { SS = ["x", "x"] } }));
        Assert.Equal(
            "Input collection contains duplicates",
            await PutFailsAsync(table, new() { ["pk"] = Av.S("a"), ["ns"] = new AttributeValue { NS = ["1", "1.0"] } }));
        Assert.Equal(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
            await PutFailsAsync(table, new() { ["pk"] = Av.S("a"), ["e"] = new AttributeValue() }));
        Assert.Equal(
            "One or more parameter values were invalid: Null attribute value types must have the value of true",
            await PutFailsAsync(table, new() { ["pk"] = Av.S("a"), ["n"] = new AttributeValue { NULL = false } }));
        Assert.Equal(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
            await PutFailsAsync(table, new() { ["pk"] = Av.S("a"), ["two"] = new AttributeValue { S = "x", N = "1" } }));
        Assert.Equal(
            "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
            await PutFailsAsync(table, new() { ["pk"] = Av.N("1") }));

        var legacy = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new() { ["pk"] = Av.S("a") },
            AttributesToGet = ["x"],
        }, Ct));
        Assert.Contains("AttributesToGet", legacy.Message, StringComparison.Ordinal);
    }
}
