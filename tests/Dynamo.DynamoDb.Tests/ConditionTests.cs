using System.Text.RegularExpressions;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Dynamo.DynamoDb.Tests.Infrastructure;

namespace Dynamo.DynamoDb.Tests;

public sealed partial class ConditionTests(OpenServerFixture fixture) : IClassFixture<OpenServerFixture>
{
    private static readonly Dictionary<string, AttributeValue> Values = new()
    {
        [":one"] = Av.N("1"),
        [":five"] = Av.N("5"),
        [":ten"] = Av.N("10"),
        [":fiveDecimal"] = Av.N("5.00"),
        [":alice"] = Av.S("alice"),
        [":al"] = Av.S("al"),
        [":bob"] = Av.S("bob"),
        [":red"] = Av.S("red"),
        [":green"] = Av.S("green"),
        [":S"] = Av.S("S"),
        [":N"] = Av.S("N"),
        [":L"] = Av.S("L"),
        [":SS"] = Av.S("SS"),
        [":three"] = Av.N("3"),
        [":b01"] = Av.B(0, 1),
        [":true"] = Av.Bool(true),
    };

    private readonly AmazonDynamoDBClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("n = :five", true)]
    [InlineData("n = :fiveDecimal", true)]
    [InlineData("n <> :five", false)]
    [InlineData("absent <> :five", true)]
    [InlineData("n < :ten", true)]
    [InlineData("n <= :five", true)]
    [InlineData("n > :five", false)]
    [InlineData("n >= :ten", false)]
    [InlineData("who < :bob", true)]
    [InlineData("who > :five", false)]
    [InlineData("n BETWEEN :one AND :ten", true)]
    [InlineData("n BETWEEN :one AND :three", false)]
    [InlineData("who IN (:bob, :alice)", true)]
    [InlineData("who IN (:bob, :red)", false)]
    [InlineData("attribute_exists(who)", true)]
    [InlineData("attribute_exists(absent)", false)]
    [InlineData("attribute_not_exists(absent)", true)]
    [InlineData("attribute_exists(m.child)", true)]
    [InlineData("attribute_exists(l[1])", true)]
    [InlineData("attribute_exists(l[5])", false)]
    [InlineData("attribute_type(who, :S)", true)]
    [InlineData("attribute_type(n, :N)", true)]
    [InlineData("attribute_type(l, :L)", true)]
    [InlineData("attribute_type(tags, :SS)", true)]
    [InlineData("attribute_type(n, :S)", false)]
    [InlineData("begins_with(who, :al)", true)]
    [InlineData("begins_with(who, :bob)", false)]
    [InlineData("begins_with(bin, :b01)", true)]
    [InlineData("contains(who, :al)", true)]
    [InlineData("contains(tags, :red)", true)]
    [InlineData("contains(tags, :green)", false)]
    [InlineData("contains(l, :alice)", true)]
    [InlineData("contains(nums, :three)", true)]
    [InlineData("size(who) = :five", true)]
    [InlineData("size(tags) = :one", false)]
    [InlineData("size(l) > :one", true)]
    [InlineData("size(m) = :one", true)]
    [InlineData("n = :five AND who = :alice", true)]
    [InlineData("n = :one OR who = :alice", true)]
    [InlineData("NOT n = :one", true)]
    [InlineData("NOT (n = :five AND who = :alice)", false)]
    [InlineData("(n = :one OR n = :ten) AND who = :alice", false)]
    [InlineData("n = :one OR n = :ten AND who = :alice", false)]
    [InlineData("n = :five OR n = :ten AND who = :bob", true)]
    [InlineData("flag = :true and not attribute_exists(absent)", true)]
    [InlineData("#who = :alice", true)]
    [InlineData("m.#child.deep = :red", true)]
    public async Task ConditionExpression_IsEvaluatedLikeDynamoDb(string expression, bool expected)
    {
        var table = await Tables.CreateAsync(_client, "cond");
        await _client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new()
            {
                ["pk"] = Av.S("k"),
                ["n"] = Av.N("5"),
                ["who"] = Av.S("alice"),
                ["flag"] = Av.Bool(true),
                ["bin"] = Av.B(0, 1, 2),
                ["tags"] = new AttributeValue { SS = ["red", "blue"] },
                ["nums"] = new AttributeValue { NS = ["1", "3"] },
                ["l"] = new AttributeValue { L = [Av.S("alice"), Av.N("2")] },
                ["m"] = new AttributeValue { M = new() { ["child"] = new AttributeValue { M = new() { ["deep"] = Av.S("red") } } } },
            },
        }, Ct);

        var used = PlaceholderPattern().Matches(expression).Select(m => m.Value).Where(v => v.StartsWith(':')).ToHashSet();
        var names = new Dictionary<string, string>();
        if (expression.Contains("#who", StringComparison.Ordinal))
        {
            names["#who"] = "who";
        }

        if (expression.Contains("#child", StringComparison.Ordinal))
        {
            names["#child"] = "child";
        }

        var request = new UpdateItemRequest
        {
            TableName = table,
            Key = new() { ["pk"] = Av.S("k") },
            UpdateExpression = "SET touched = :one",
            ConditionExpression = expression,
            ExpressionAttributeValues = Values.Where(kv => used.Contains(kv.Key) || kv.Key == ":one").ToDictionary(),
            ExpressionAttributeNames = names.Count > 0 ? names : null,
        };

        if (expected)
        {
            await _client.UpdateItemAsync(request, Ct);
            var item = (await _client.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = Av.S("k") }, Ct)).Item;
            Assert.Equal("1", item["touched"].N);
        }
        else
        {
            var e = await Assert.ThrowsAsync<ConditionalCheckFailedException>(() => _client.UpdateItemAsync(request, Ct));
            Assert.Equal("The conditional request failed", e.Message);
            var item = (await _client.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = Av.S("k") }, Ct)).Item;
            Assert.False(item.ContainsKey("touched"));
        }
    }

    [Fact]
    public async Task PutIfNotExists_FailsSecondTime_AndReturnsOldItemWhenAsked()
    {
        var table = await Tables.CreateAsync(_client, "ifnot");
        var put = new PutItemRequest
        {
            TableName = table,
            Item = new() { ["pk"] = Av.S("k"), ["v"] = Av.N("1") },
            ConditionExpression = "attribute_not_exists(pk)",
        };
        await _client.PutItemAsync(put, Ct);
        put.Item["v"] = Av.N("2");
        var e = await Assert.ThrowsAsync<ConditionalCheckFailedException>(() => _client.PutItemAsync(put, Ct));
        Assert.True(e.Item is null || e.Item.Count == 0);

        put.ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD;
        var withItem = await Assert.ThrowsAsync<ConditionalCheckFailedException>(() => _client.PutItemAsync(put, Ct));
        Assert.Equal("1", withItem.Item["v"].N);

        var stored = (await _client.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = Av.S("k") }, Ct)).Item;
        Assert.Equal("1", stored["v"].N);
    }

    [Fact]
    public async Task ConditionalDelete_OnlyDeletesWhenConditionHolds()
    {
        var table = await Tables.CreateAsync(_client, "cdel");
        await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("k"), ["ver"] = Av.N("3") } }, Ct);
        var delete = new DeleteItemRequest
        {
            TableName = table,
            Key = new() { ["pk"] = Av.S("k") },
            ConditionExpression = "ver = :v",
            ExpressionAttributeValues = new() { [":v"] = Av.N("2") },
        };
        await Assert.ThrowsAsync<ConditionalCheckFailedException>(() => _client.DeleteItemAsync(delete, Ct));
        delete.ExpressionAttributeValues[":v"] = Av.N("3");
        await _client.DeleteItemAsync(delete, Ct);
        var gone = await _client.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = Av.S("k") }, Ct);
        Assert.True(gone.Item is null || gone.Item.Count == 0);

        // On a missing item, attribute_exists fails and attribute_not_exists holds.
        delete.ConditionExpression = "attribute_exists(pk)";
        delete.ExpressionAttributeValues = null;
        await Assert.ThrowsAsync<ConditionalCheckFailedException>(() => _client.DeleteItemAsync(delete, Ct));
    }

    [Fact]
    public async Task ConcurrentConditionalIncrements_AreNotLost()
    {
        var table = await Tables.CreateAsync(_client, "race");
        await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("k"), ["v"] = Av.N("0") } }, Ct);
        var successes = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 40), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (_, ct) =>
        {
            for (var attempt = 0; attempt < 500; attempt++)
            {
                var current = (await _client.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["pk"] = Av.S("k") }, ConsistentRead = true }, ct)).Item["v"].N;
                try
                {
                    await _client.UpdateItemAsync(new UpdateItemRequest
                    {
                        TableName = table,
                        Key = new() { ["pk"] = Av.S("k") },
                        UpdateExpression = "SET v = v + :one",
                        ConditionExpression = "v = :seen",
                        ExpressionAttributeValues = new() { [":one"] = Av.N("1"), [":seen"] = Av.N(current) },
                    }, ct);
                    Interlocked.Increment(ref successes);
                    return;
                }
                catch (ConditionalCheckFailedException)
                {
                    // Somebody else won this round: re-read and retry (optimistic concurrency).
                }
            }

            Assert.Fail("A writer did not succeed within 500 optimistic attempts.");
        });
        var final = (await _client.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["pk"] = Av.S("k") }, ConsistentRead = true }, Ct)).Item;
        Assert.Equal(40, successes);
        Assert.Equal("40", final["v"].N);
    }

    [Theory]
    [InlineData("a = ", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"= \"")]
    [InlineData("a = :v AND", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"")]
    [InlineData("a $ :v", "Invalid ConditionExpression: Syntax error; token: \"$\", near: \"a $\"")]
    [InlineData("foo(a)", "Invalid ConditionExpression: Invalid function name; function: foo")]
    [InlineData("size(a)", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size")]
    [InlineData("begins_with(a, :v) = :v", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: begins_with")]
    [InlineData("attribute_exists(a, a)", "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2")]
    [InlineData("a = :undefined", "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :undefined")]
    [InlineData("#undefined = :v", "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #undefined")]
    [InlineData("size = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: size")]
    [InlineData("a = a", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]")]
    [InlineData("a BETWEEN :hi AND :v", "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:10}, upper bound operand: AttributeValue: {N:1}")]
    [InlineData("", "Invalid ConditionExpression: The expression can not be empty;")]
    public async Task InvalidConditionExpressions_AreRejected(string expression, string message)
    {
        var table = await Tables.CreateAsync(_client, "badcond");
        var values = new Dictionary<string, AttributeValue> { [":v"] = Av.N("1") };
        if (expression.Contains(":hi", StringComparison.Ordinal))
        {
            values[":hi"] = Av.N("10");
        }

        var e = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new() { ["pk"] = Av.S("k") },
            ConditionExpression = expression,
            ExpressionAttributeValues = expression.Contains(":v", StringComparison.Ordinal) ? values : null,
        }, Ct));
        Assert.Equal("ValidationException", e.ErrorCode);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task DeeplyParenthesizedAndOversizedExpressions_AreHandledQuickly()
    {
        var table = await Tables.CreateAsync(_client, "parens");
        await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("k"), ["a"] = Av.N("1") } }, Ct);
        Task<PutItemResponse> Put(string condition) => _client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new() { ["pk"] = Av.S("k"), ["a"] = Av.N("1") },
            ConditionExpression = condition,
            ExpressionAttributeValues = new() { [":v"] = Av.N("1") },
        }, Ct);

        // 40 levels around an operand: exponential backtracking would never finish; memoized parsing is linear.
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await Put(new string('(', 40) + "a" + new string(')', 40) + " = :v");
        await Put(new string('(', 40) + "a = :v" + new string(')', 40));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), stopwatch.Elapsed.ToString());

        var deep = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => Put(new string('(', 500) + "a = :v" + new string(')', 500)));
        Assert.Equal("Invalid ConditionExpression: The expression is nested too deeply; maximum depth: 100", deep.Message);

        var huge = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => Put(string.Join(" OR ", Enumerable.Repeat("a = :v", 700))));
        Assert.StartsWith("Invalid ConditionExpression: Expression size has exceeded the maximum allowed size", huge.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnusedAndStrayPlaceholders_AreRejected()
    {
        var table = await Tables.CreateAsync(_client, "unused");
        var unusedValue = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new() { ["pk"] = Av.S("k") },
            ConditionExpression = "a = :v",
            ExpressionAttributeValues = new() { [":v"] = Av.N("1"), [":extra"] = Av.N("2") },
        }, Ct));
        Assert.Equal("Value provided in ExpressionAttributeValues unused in expressions: keys: {:extra}", unusedValue.Message);

        var unusedName = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new() { ["pk"] = Av.S("k") },
            ConditionExpression = "attribute_not_exists(pk)",
            ExpressionAttributeNames = new() { ["#n"] = "n" },
        }, Ct));
        Assert.Equal("Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}", unusedName.Message);

        var noExpression = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new() { ["pk"] = Av.S("k") },
            ExpressionAttributeValues = new() { [":v"] = Av.N("1") },
        }, Ct));
        Assert.Equal("ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null", noExpression.Message);
    }

    [GeneratedRegex(":[A-Za-z0-9_]+")]
    private static partial Regex PlaceholderPattern();
}
