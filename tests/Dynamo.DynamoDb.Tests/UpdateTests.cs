using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Dynamo.DynamoDb.Tests.Infrastructure;

namespace Dynamo.DynamoDb.Tests;

public sealed class UpdateTests(OpenServerFixture fixture) : IClassFixture<OpenServerFixture>
{
    private readonly AmazonDynamoDBClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Table, Dictionary<string, AttributeValue> Key)> SeedAsync()
    {
        var table = await Tables.CreateAsync(_client, "upd", rangeName: "sk", rangeType: ScalarAttributeType.N);
        var key = new Dictionary<string, AttributeValue> { ["pk"] = Av.S("user"), ["sk"] = Av.N("1") };
        await _client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new(key)
            {
                ["count"] = Av.N("10"),
                ["price"] = Av.N("0.1"),
                ["tags"] = new AttributeValue { SS = ["a", "b"] },
                ["ids"] = new AttributeValue { NS = ["1", "2"] },
                ["list"] = new AttributeValue { L = [Av.S("x0"), Av.S("x1"), Av.S("x2"), Av.S("x3")] },
                ["profile"] = new AttributeValue { M = new() { ["city"] = Av.S("Paris"), ["zip"] = Av.S("75001") } },
                ["old"] = Av.S("remove me"),
            },
        }, Ct);
        return (table, key);
    }

    private async Task<Dictionary<string, AttributeValue>> GetAsync(string table, Dictionary<string, AttributeValue> key) =>
        (await _client.GetItemAsync(new GetItemRequest { TableName = table, Key = key, ConsistentRead = true }, Ct)).Item;

    [Fact]
    public async Task Set_WithArithmeticIfNotExistsAndListAppend()
    {
        var (table, key) = await SeedAsync();
        var response = await _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = key,
            UpdateExpression = "SET #c = #c + :inc, price = price - :cent, visits = if_not_exists(visits, :zero) + :inc, " +
                               "#l = list_append(#l, :more), prefixed = list_append(:front, #l), profile.city = :city, profile.country = :country, countCopy = #c",
            ExpressionAttributeNames = new() { ["#c"] = "count", ["#l"] = "list" },
            ExpressionAttributeValues = new()
            {
                [":inc"] = Av.N("5"),
                [":cent"] = Av.N("0.01"),
                [":zero"] = Av.N("0"),
                [":more"] = new AttributeValue { L = [Av.S("x4")] },
                [":front"] = new AttributeValue { L = [Av.S("head")] },
                [":city"] = Av.S("Lyon"),
                [":country"] = Av.S("FR"),
            },
            ReturnValues = ReturnValue.ALL_NEW,
        }, Ct);
        var item = response.Attributes;
        Assert.Equal("15", item["count"].N);
        Assert.Equal("0.09", item["price"].N);
        Assert.Equal("5", item["visits"].N);
        Assert.Equal(["x0", "x1", "x2", "x3", "x4"], item["list"].L.Select(v => v.S));
        Assert.Equal(["head", "x0", "x1", "x2", "x3"], item["prefixed"].L.Select(v => v.S));
        Assert.Equal("Lyon", item["profile"].M["city"].S);
        Assert.Equal("FR", item["profile"].M["country"].S);
        Assert.Equal("10", item["countCopy"].N); // right-hand sides see the item before the update
        Assert.Equal(item.Count, (await GetAsync(table, key)).Count);

        // if_not_exists keeps an existing value
        await _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = key,
            UpdateExpression = "SET visits = if_not_exists(visits, :zero)",
            ExpressionAttributeValues = new() { [":zero"] = Av.N("0") },
        }, Ct);
        Assert.Equal("5", (await GetAsync(table, key))["visits"].N);
    }

    [Fact]
    public async Task Remove_TopLevelNestedAndListIndexes()
    {
        var (table, key) = await SeedAsync();
        await _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = key,
            UpdateExpression = "REMOVE #o, profile.zip, #l[1], #l[3], nothing.here",
            ExpressionAttributeNames = new() { ["#o"] = "old", ["#l"] = "list" },
        }, Ct);
        var item = await GetAsync(table, key);
        Assert.False(item.ContainsKey("old"));
        Assert.Equal(["city"], item["profile"].M.Keys);
        Assert.Equal(["x0", "x2"], item["list"].L.Select(v => v.S));
    }

    [Fact]
    public async Task Add_NumbersAndSets_Delete_SetElements()
    {
        var (table, key) = await SeedAsync();
        var response = await _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = key,
            UpdateExpression = "ADD #c :n, tags :newTags, fresh :n, newSet :newTags DELETE ids :delIds",
            ExpressionAttributeNames = new() { ["#c"] = "count" },
            ExpressionAttributeValues = new()
            {
                [":n"] = Av.N("-2.5"),
                [":newTags"] = new AttributeValue { SS = ["b", "c"] },
                [":delIds"] = new AttributeValue { NS = ["1.0", "7"] },
            },
            ReturnValues = ReturnValue.UPDATED_NEW,
        }, Ct);
        Assert.Equal(["count", "fresh", "ids", "newSet", "tags"], response.Attributes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("7.5", response.Attributes["count"].N);
        Assert.Equal("-2.5", response.Attributes["fresh"].N);
        Assert.Equal(["a", "b", "c"], response.Attributes["tags"].SS.Order(StringComparer.Ordinal));
        Assert.Equal(["2"], response.Attributes["ids"].NS);

        // Deleting the last element removes the attribute.
        await _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = key,
            UpdateExpression = "DELETE ids :ids",
            ExpressionAttributeValues = new() { [":ids"] = new AttributeValue { NS = ["2"] } },
        }, Ct);
        Assert.False((await GetAsync(table, key)).ContainsKey("ids"));

        var wrongType = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = key,
            UpdateExpression = "ADD tags :n",
            ExpressionAttributeValues = new() { [":n"] = Av.N("1") },
        }, Ct));
        Assert.Equal("An operand in the update expression has an incorrect data type", wrongType.Message);
    }

    [Fact]
    public async Task ReturnValues_UpdatedOldAndAllOld()
    {
        var (table, key) = await SeedAsync();
        var updatedOld = await _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = key,
            UpdateExpression = "SET profile.city = :c, brandNew = :c REMOVE #o",
            ExpressionAttributeNames = new() { ["#o"] = "old" },
            ExpressionAttributeValues = new() { [":c"] = Av.S("Nice") },
            ReturnValues = ReturnValue.UPDATED_OLD,
        }, Ct);
        Assert.Equal(["old", "profile"], updatedOld.Attributes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Paris", updatedOld.Attributes["profile"].M["city"].S);
        Assert.Equal(["city"], updatedOld.Attributes["profile"].M.Keys);

        var allOld = await _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = key,
            UpdateExpression = "SET brandNew = :c",
            ExpressionAttributeValues = new() { [":c"] = Av.S("Later") },
            ReturnValues = ReturnValue.ALL_OLD,
        }, Ct);
        Assert.Equal("Nice", allOld.Attributes["brandNew"].S);
        Assert.Equal("10", allOld.Attributes["count"].N);
    }

    [Fact]
    public async Task UpdateItem_CreatesMissingItem_AndConditionCanPreventIt()
    {
        var table = await Tables.CreateAsync(_client, "upsert");
        var key = new Dictionary<string, AttributeValue> { ["pk"] = Av.S("new") };
        var created = await _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = key,
            UpdateExpression = "SET v = :v",
            ExpressionAttributeValues = new() { [":v"] = Av.S("hello") },
            ReturnValues = ReturnValue.ALL_NEW,
        }, Ct);
        Assert.Equal(["pk", "v"], created.Attributes.Keys.Order(StringComparer.Ordinal));

        var key2 = new Dictionary<string, AttributeValue> { ["pk"] = Av.S("guarded") };
        await Assert.ThrowsAsync<ConditionalCheckFailedException>(() => _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = key2,
            UpdateExpression = "SET v = :v",
            ConditionExpression = "attribute_exists(pk)",
            ExpressionAttributeValues = new() { [":v"] = Av.S("x") },
        }, Ct));
        var absent = await _client.GetItemAsync(table, key2, Ct);
        Assert.True(absent.Item is null || absent.Item.Count == 0);
    }

    [Theory]
    [InlineData("SET pk = :v", "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key")]
    [InlineData("SET a = :v, a.b = :v", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]")]
    [InlineData("SET a = :v SET b = :v", "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;")]
    [InlineData("SET a = :v REMOVE", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"REMOVE\"")]
    [InlineData("SET a = size(b)", "Invalid UpdateExpression: Invalid function name; function: size")]
    [InlineData("SET a = :v + :v", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S")]
    [InlineData("ADD a :v", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING")]
    [InlineData("SET #name = :v", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #name")]
    [InlineData("SET value = :v", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: value")]
    [InlineData("SET a = missingAttr", "The provided expression refers to an attribute that does not exist in the item")]
    [InlineData("SET nested.deeper = :v", "The document path provided in the update expression is invalid for update")]
    public async Task InvalidUpdates_AreRejected(string expression, string message)
    {
        var table = await Tables.CreateAsync(_client, "badupd");
        await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("k") } }, Ct);
        var e = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = new() { ["pk"] = Av.S("k") },
            UpdateExpression = expression,
            ExpressionAttributeValues = expression.Contains(":v", StringComparison.Ordinal) ? new() { [":v"] = Av.S("x") } : null,
        }, Ct));
        Assert.Equal("ValidationException", e.ErrorCode);
        Assert.Equal(message, e.Message);
    }
}
