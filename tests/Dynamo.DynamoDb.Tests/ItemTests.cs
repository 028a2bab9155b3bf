using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Dynamo.DynamoDb.Tests.Infrastructure;

namespace Dynamo.DynamoDb.Tests;

public sealed class ItemTests(OpenServerFixture fixture) : IClassFixture<OpenServerFixture>
{
    private readonly AmazonDynamoDBClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryAttributeType_RoundTrips()
    {
        var table = await Tables.CreateAsync(_client, "types");
        var item = new Dictionary<string, AttributeValue>
        {
            ["pk"] = Av.S("item-1"),
            ["s"] = Av.S("héllo wörld ✓ 𝄞"),
            ["empty"] = Av.S(string.Empty),
            ["n"] = Av.N("42"),
            ["b"] = Av.B(0, 1, 2, 254, 255),
            ["t"] = Av.Bool(true),
            ["f"] = Av.Bool(false),
            ["nul"] = new AttributeValue { NULL = true },
            ["ss"] = new AttributeValue { SS = ["x", "y", "z"] },
            ["ns"] = new AttributeValue { NS = ["1", "2.5", "-3"] },
            ["bs"] = new AttributeValue { BS = [new MemoryStream([1]), new MemoryStream([2, 3])] },
            ["l"] = new AttributeValue { L = [Av.S("a"), Av.N("1"), new AttributeValue { L = [Av.Bool(true)] }] },
            ["emptyList"] = new AttributeValue { L = [], IsLSet = true },
            ["m"] = new AttributeValue
            {
                M = new Dictionary<string, AttributeValue>
                {
                    ["inner"] = new AttributeValue { M = new Dictionary<string, AttributeValue> { ["deep"] = Av.S("value") } },
                    ["num"] = Av.N("7"),
                },
            },
            ["emptyMap"] = new AttributeValue { M = [], IsMSet = true },
        };
        await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = item }, Ct);
        var got = (await _client.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["pk"] = Av.S("item-1") }, ConsistentRead = true }, Ct)).Item;

        Assert.Equal(item.Keys.Order(StringComparer.Ordinal), got.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("héllo wörld ✓ 𝄞", got["s"].S);
        Assert.Equal(string.Empty, got["empty"].S);
        Assert.Equal("42", got["n"].N);
        Assert.Equal(new byte[] { 0, 1, 2, 254, 255 }, got["b"].B.ToArray());
        Assert.True(got["t"].BOOL);
        Assert.False(got["f"].BOOL);
        Assert.True(got["nul"].NULL);
        Assert.Equal(["x", "y", "z"], got["ss"].SS.Order(StringComparer.Ordinal));
        Assert.Equal(["-3", "1", "2.5"], got["ns"].NS.Order(StringComparer.Ordinal));
        Assert.Equal([[1], [2, 3]], got["bs"].BS.Select(s => s.ToArray()).OrderBy(a => a.Length));
        Assert.Equal("a", got["l"].L[0].S);
        Assert.Equal("1", got["l"].L[1].N);
        Assert.True(got["l"].L[2].L[0].BOOL);
        Assert.True(got["emptyList"].IsLSet);
        Assert.Empty(got["emptyList"].L);
        Assert.Equal("value", got["m"].M["inner"].M["deep"].S);
        Assert.Equal("7", got["m"].M["num"].N);
        Assert.True(got["emptyMap"].IsMSet);
        Assert.Empty(got["emptyMap"].M);
    }

    [Theory]
    [InlineData("1.0", "1")]
    [InlineData("-0", "0")]
    [InlineData("0.000", "0")]
    [InlineData("+5", "5")]
    [InlineData("1e3", "1000")]
    [InlineData("1.5E+2", "150")]
    [InlineData("-12.3400", "-12.34")]
    [InlineData("00012.50", "12.5")]
    [InlineData(".5", "0.5")]
    [InlineData("123456789012345678901234567890.12345678", "123456789012345678901234567890.12345678")]
    [InlineData("9.9999999999999999999999999999999999999E+125", "999999999999999999999999999999999999990000000000000000000000000000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("1E-130", "0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001")]
    [InlineData("-1E+125", "-100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Numbers_AreStoredInCanonicalForm(string input, string canonical)
    {
        var table = await Tables.CreateAsync(_client, "num");
        await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("k"), ["v"] = Av.N(input), ["set"] = new AttributeValue { NS = [input] } } }, Ct);
        var got = (await _client.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = Av.S("k") }, Ct)).Item;
        Assert.Equal(canonical, got["v"].N);
        Assert.Equal([canonical], got["set"].NS);
    }

    [Theory]
    [InlineData("1E+126", "Number overflow. Attempting to store a number with magnitude larger than supported range")]
    [InlineData("1E-131", "Number underflow. Attempting to store a number with magnitude smaller than supported range")]
    [InlineData("1.23456789012345678901234567890123456789", "Attempting to store more than 38 significant digits in a Number")]
    [InlineData("abc", "The parameter cannot be converted to a numeric value: abc")]
    [InlineData("1e", "The parameter cannot be converted to a numeric value: 1e")]
    public async Task InvalidNumbers_AreRejected(string input, string message)
    {
        var table = await Tables.CreateAsync(_client, "badnum");
        var e = await Assert.ThrowsAsync<AmazonDynamoDBException>(() =>
            _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("k"), ["v"] = Av.N(input) } }, Ct));
        Assert.Equal("ValidationException", e.ErrorCode);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task NumericAndBinaryKeys_Work()
    {
        var table = await Tables.CreateAsync(_client, "nbkeys", "id", ScalarAttributeType.N, "bin", ScalarAttributeType.B);
        await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["id"] = Av.N("10.50"), ["bin"] = Av.B(9, 8), ["v"] = Av.S("x") } }, Ct);
        var got = await _client.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["id"] = Av.N("1.05e1"), ["bin"] = Av.B(9, 8) } }, Ct);
        Assert.Equal("x", got.Item["v"].S);
        Assert.Equal("10.5", got.Item["id"].N);
    }

    [Fact]
    public async Task GetItem_MissingItem_ReturnsNoItem_AndProjectionSelectsNestedPaths()
    {
        var table = await Tables.CreateAsync(_client, "proj");
        var missing = await _client.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = Av.S("none") }, Ct);
        Assert.True(missing.Item is null || missing.Item.Count == 0);

        await _client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new()
            {
                ["pk"] = Av.S("p"),
                ["a"] = Av.S("A"),
                ["status"] = Av.S("active"),
                ["m"] = new AttributeValue { M = new() { ["x"] = Av.N("1"), ["y"] = Av.N("2") } },
                ["l"] = new AttributeValue { L = [Av.S("l0"), Av.S("l1"), Av.S("l2")] },
            },
        }, Ct);
        var got = await _client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new() { ["pk"] = Av.S("p") },
            ProjectionExpression = "a, #s, m.y, l[2]",
            ExpressionAttributeNames = new() { ["#s"] = "status" },
        }, Ct);
        Assert.Equal(["a", "l", "m", "status"], got.Item.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["y"], got.Item["m"].M.Keys);
        Assert.Equal("l2", Assert.Single(got.Item["l"].L).S);

        var reserved = await Assert.ThrowsAsync<AmazonDynamoDBException>(() =>
            _client.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["pk"] = Av.S("p") }, ProjectionExpression = "status" }, Ct));
        Assert.Equal("Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: status", reserved.Message);
    }

    [Fact]
    public async Task PutAndDelete_ReturnOldValues()
    {
        var table = await Tables.CreateAsync(_client, "retvals");
        var first = await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("k"), ["v"] = Av.N("1") }, ReturnValues = ReturnValue.ALL_OLD }, Ct);
        Assert.True(first.Attributes is null || first.Attributes.Count == 0);
        var second = await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("k"), ["v"] = Av.N("2") }, ReturnValues = ReturnValue.ALL_OLD }, Ct);
        Assert.Equal("1", second.Attributes["v"].N);

        var bad = await Assert.ThrowsAsync<AmazonDynamoDBException>(() =>
            _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("k") }, ReturnValues = ReturnValue.ALL_NEW }, Ct));
        Assert.Equal("ReturnValues can only be ALL_OLD or NONE", bad.Message);

        var deleted = await _client.DeleteItemAsync(new DeleteItemRequest { TableName = table, Key = new() { ["pk"] = Av.S("k") }, ReturnValues = ReturnValue.ALL_OLD }, Ct);
        Assert.Equal("2", deleted.Attributes["v"].N);
        var after = await _client.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = Av.S("k") }, Ct);
        Assert.True(after.Item is null || after.Item.Count == 0);

        var again = await _client.DeleteItemAsync(new DeleteItemRequest { TableName = table, Key = new() { ["pk"] = Av.S("k") }, ReturnValues = ReturnValue.ALL_OLD }, Ct);
        Assert.True(again.Attributes is null || again.Attributes.Count == 0);
    }

    [Fact]
    public async Task ConsumedCapacity_IsReportedWhenRequested()
    {
        var table = await Tables.CreateAsync(_client, "cap");
        var put = await _client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new() { ["pk"] = Av.S("k"), ["big"] = Av.S(new string('x', 3000)) },
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        }, Ct);
        Assert.Equal(table, put.ConsumedCapacity.TableName);
        Assert.Equal(3.0, put.ConsumedCapacity.CapacityUnits);
        var get = await _client.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["pk"] = Av.S("k") }, ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL }, Ct);
        Assert.Equal(0.5, get.ConsumedCapacity.CapacityUnits);
    }

    [Fact]
    public async Task ItemOperations_OnMissingTable_AreResourceNotFound()
    {
        var e = await Assert.ThrowsAsync<ResourceNotFoundException>(() =>
            _client.PutItemAsync(new PutItemRequest { TableName = "does-not-exist", Item = new() { ["pk"] = Av.S("k") } }, Ct));
        Assert.Equal("Requested resource not found", e.Message);
        await Assert.ThrowsAsync<ResourceNotFoundException>(() =>
            _client.GetItemAsync("does-not-exist", new Dictionary<string, AttributeValue> { ["pk"] = Av.S("k") }, Ct));
        await Assert.ThrowsAsync<ResourceNotFoundException>(() =>
            _client.QueryAsync(new QueryRequest { TableName = "does-not-exist", KeyConditionExpression = "pk = :p", ExpressionAttributeValues = new() { [":p"] = Av.S("k") } }, Ct));
    }

    [Fact]
    public async Task LargeItems_UpTo400KB_AreAccepted_AndLargerRejected()
    {
        var table = await Tables.CreateAsync(_client, "size");
        await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("k"), ["d"] = Av.S(new string('a', 400 * 1024 - 10)) } }, Ct);
        var e = await Assert.ThrowsAsync<AmazonDynamoDBException>(() =>
            _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("k"), ["d"] = Av.S(new string('a', 400 * 1024)) } }, Ct));
        Assert.Equal("Item size has exceeded the maximum allowed size", e.Message);
        var multiByte = new StringBuilder().Insert(0, "é", 200 * 1024).ToString(); // 400 KB of UTF-8 in 200 K chars
        var e2 = await Assert.ThrowsAsync<AmazonDynamoDBException>(() =>
            _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("k"), ["d"] = Av.S(multiByte) } }, Ct));
        Assert.Equal("Item size has exceeded the maximum allowed size", e2.Message);
    }
}
