using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Dynamo.DynamoDb.Tests.Infrastructure;

namespace Dynamo.DynamoDb.Tests;

public sealed class QueryScanTests(OpenServerFixture fixture) : IClassFixture<OpenServerFixture>
{
    private static readonly string[] NumberKeys = ["-1000", "-2.5", "-2", "-0.5", "0", "0.001", "1", "1.5", "2", "10", "100", "1e20"];

    private readonly AmazonDynamoDBClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> NumberTableAsync()
    {
        var table = await Tables.CreateAsync(_client, "qnum", rangeName: "sk", rangeType: ScalarAttributeType.N);
        foreach (var n in NumberKeys.Reverse())
        {
            await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("p"), ["sk"] = Av.N(n), ["even"] = Av.Bool(Array.IndexOf(NumberKeys, n) % 2 == 0) } }, Ct);
        }

        await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("other"), ["sk"] = Av.N("1") } }, Ct);
        return table;
    }

    private async Task<List<string>> QuerySortKeysAsync(string table, string condition, Dictionary<string, AttributeValue> values, bool forward = true)
    {
        values[":p"] = Av.S("p");
        var response = await _client.QueryAsync(new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "pk = :p" + (condition.Length > 0 ? " AND " + condition : string.Empty),
            ExpressionAttributeValues = values,
            ScanIndexForward = forward,
        }, Ct);
        Assert.Equal(response.Items.Count, response.Count);
        return response.Items.Select(i => i["sk"].N).ToList();
    }

    [Fact]
    public async Task Query_NumberSortKeys_AreOrderedNumerically_ForEveryOperator()
    {
        var table = await NumberTableAsync();
        var canonical = NumberKeys.Select(n => decimal.Parse(n, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)).ToList();
        canonical[^1] = "100000000000000000000";

        Assert.Equal(canonical, await QuerySortKeysAsync(table, string.Empty, []));
        Assert.Equal(Enumerable.Reverse(canonical), await QuerySortKeysAsync(table, string.Empty, [], forward: false));
        Assert.Equal(["1.5"], await QuerySortKeysAsync(table, "sk = :v", new() { [":v"] = Av.N("1.50") }));
        Assert.Equal(["-1000", "-2.5", "-2"], await QuerySortKeysAsync(table, "sk < :v", new() { [":v"] = Av.N("-0.5") }));
        Assert.Equal(["-1000", "-2.5", "-2", "-0.5"], await QuerySortKeysAsync(table, "sk <= :v", new() { [":v"] = Av.N("-0.5") }));
        Assert.Equal(["10", "100", "100000000000000000000"], await QuerySortKeysAsync(table, "sk > :v", new() { [":v"] = Av.N("2") }));
        Assert.Equal(["2", "10", "100", "100000000000000000000"], await QuerySortKeysAsync(table, ":v <= sk", new() { [":v"] = Av.N("2") }));
        Assert.Equal(["-0.5", "0", "0.001", "1"], await QuerySortKeysAsync(table, "sk BETWEEN :lo AND :hi", new() { [":lo"] = Av.N("-0.5"), [":hi"] = Av.N("1") }));
        Assert.Equal(["1", "0.001", "0", "-0.5"], await QuerySortKeysAsync(table, "sk BETWEEN :lo AND :hi", new() { [":lo"] = Av.N("-0.5"), [":hi"] = Av.N("1") }, forward: false));
    }

    [Fact]
    public async Task Query_StringSortKeys_UseUtf8OrderAndBeginsWith()
    {
        var table = await Tables.CreateAsync(_client, "qstr", rangeName: "sk");
        string[] keys = ["a", "ab", "abc", "b", "B", "é", "\uFFFD", "😀", "z"];
        foreach (var k in keys)
        {
            await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("p"), ["sk"] = Av.S(k) } }, Ct);
        }

        var response = await _client.QueryAsync(new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "pk = :p",
            ExpressionAttributeValues = new() { [":p"] = Av.S("p") },
        }, Ct);
        // UTF-8 byte order: ASCII upper < lower, then é (C3 A9) < U+FFFD (EF BF BD) < 😀 (F0 9F 98 80).
        Assert.Equal(["B", "a", "ab", "abc", "b", "z", "é", "\uFFFD", "😀"], response.Items.Select(i => i["sk"].S));

        var prefixed = await _client.QueryAsync(new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "pk = :p AND begins_with(sk, :pre)",
            ExpressionAttributeValues = new() { [":p"] = Av.S("p"), [":pre"] = Av.S("ab") },
        }, Ct);
        Assert.Equal(["ab", "abc"], prefixed.Items.Select(i => i["sk"].S));
    }

    [Fact]
    public async Task Query_PagesWithLimitAndExclusiveStartKey_InBothDirections()
    {
        var table = await Tables.CreateAsync(_client, "qpage", rangeName: "sk", rangeType: ScalarAttributeType.N);
        for (var i = 0; i < 23; i++)
        {
            await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("p"), ["sk"] = Av.N(i.ToString(CultureInfo.InvariantCulture)) } }, Ct);
        }

        foreach (var forward in new[] { true, false })
        {
            var seen = new List<int>();
            Dictionary<string, AttributeValue>? start = null;
            var pages = 0;
            do
            {
                var page = await _client.QueryAsync(new QueryRequest
                {
                    TableName = table,
                    KeyConditionExpression = "pk = :p",
                    ExpressionAttributeValues = new() { [":p"] = Av.S("p") },
                    Limit = 5,
                    ExclusiveStartKey = start,
                    ScanIndexForward = forward,
                    ConsistentRead = true,
                }, Ct);
                Assert.InRange(page.Count ?? 0, 1, 5);
                seen.AddRange(page.Items.Select(i => int.Parse(i["sk"].N, CultureInfo.InvariantCulture)));
                start = page.LastEvaluatedKey is { Count: > 0 } lek ? lek : null;
                if (start is not null)
                {
                    Assert.Equal(["pk", "sk"], start.Keys.Order(StringComparer.Ordinal));
                }

                pages++;
            }
            while (start is not null);

            var expected = Enumerable.Range(0, 23).ToList();
            if (!forward)
            {
                expected.Reverse();
            }

            Assert.Equal(expected, seen);
            Assert.Equal(5, pages);
        }
    }

    [Fact]
    public async Task Query_FilterProjectionAndSelectCount()
    {
        var table = await NumberTableAsync();
        var filtered = await _client.QueryAsync(new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "pk = :p AND sk >= :zero",
            FilterExpression = "even = :t",
            ProjectionExpression = "sk, even",
            ExpressionAttributeValues = new() { [":p"] = Av.S("p"), [":zero"] = Av.N("0"), [":t"] = Av.Bool(true) },
        }, Ct);
        Assert.Equal(8, filtered.ScannedCount);
        Assert.Equal(4, filtered.Count);
        Assert.All(filtered.Items, i => Assert.Equal(["even", "sk"], i.Keys.Order(StringComparer.Ordinal)));

        var counted = await _client.QueryAsync(new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "pk = :p",
            FilterExpression = "even = :t",
            Select = Select.COUNT,
            ExpressionAttributeValues = new() { [":p"] = Av.S("p"), [":t"] = Av.Bool(true) },
        }, Ct);
        Assert.Equal(6, counted.Count);
        Assert.Equal(12, counted.ScannedCount);
        Assert.True(counted.Items is null || counted.Items.Count == 0);

        // Limit counts evaluated items, before the filter.
        var limited = await _client.QueryAsync(new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "pk = :p",
            FilterExpression = "even = :t",
            Limit = 3,
            ExpressionAttributeValues = new() { [":p"] = Av.S("p"), [":t"] = Av.Bool(true) },
        }, Ct);
        Assert.Equal(3, limited.ScannedCount);
        Assert.Equal(2, limited.Count);
        Assert.Equal("-2", limited.LastEvaluatedKey["sk"].N);
    }

    [Fact]
    public async Task QueryAndScan_StopAtOneMegabyte_AndContinue()
    {
        var table = await Tables.CreateAsync(_client, "qbig", rangeName: "sk", rangeType: ScalarAttributeType.N);
        var blob = new string('x', 300 * 1024);
        for (var i = 0; i < 6; i++)
        {
            await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("p"), ["sk"] = Av.N(i.ToString(CultureInfo.InvariantCulture)), ["d"] = Av.S(blob) } }, Ct);
        }

        var first = await _client.QueryAsync(new QueryRequest { TableName = table, KeyConditionExpression = "pk = :p", ExpressionAttributeValues = new() { [":p"] = Av.S("p") } }, Ct);
        Assert.Equal(4, first.Count); // 4 × 300 KB crosses 1 MB
        Assert.Equal("3", first.LastEvaluatedKey["sk"].N);
        var second = await _client.QueryAsync(new QueryRequest { TableName = table, KeyConditionExpression = "pk = :p", ExpressionAttributeValues = new() { [":p"] = Av.S("p") }, ExclusiveStartKey = first.LastEvaluatedKey }, Ct);
        Assert.Equal(["4", "5"], second.Items.Select(i => i["sk"].N));
        Assert.True(second.LastEvaluatedKey is null || second.LastEvaluatedKey.Count == 0);

        var scan = await _client.ScanAsync(new ScanRequest { TableName = table }, Ct);
        Assert.Equal(4, scan.Count);
        Assert.NotEmpty(scan.LastEvaluatedKey);
    }

    [Fact]
    public async Task Scan_PagesAndSegmentsCoverTheTableExactlyOnce()
    {
        var table = await Tables.CreateAsync(_client, "scan", hashType: ScalarAttributeType.N, rangeName: "sk");
        var expected = new HashSet<string>();
        for (var i = 0; i < 60; i++)
        {
            var pk = (i % 20).ToString(CultureInfo.InvariantCulture);
            var sk = "s" + i.ToString(CultureInfo.InvariantCulture);
            expected.Add(pk + "/" + sk);
            await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.N(pk), ["sk"] = Av.S(sk), ["i"] = Av.N(i.ToString(CultureInfo.InvariantCulture)) } }, Ct);
        }

        async Task<List<string>> ScanAll(int? segment, int? total)
        {
            var result = new List<string>();
            Dictionary<string, AttributeValue>? start = null;
            do
            {
                var page = await _client.ScanAsync(new ScanRequest { TableName = table, Limit = 7, ExclusiveStartKey = start, Segment = segment, TotalSegments = total }, Ct);
                Assert.InRange(page.Count ?? 0, 0, 7);
                result.AddRange(page.Items.Select(i => i["pk"].N + "/" + i["sk"].S));
                start = page.LastEvaluatedKey is { Count: > 0 } lek ? lek : null;
            }
            while (start is not null);
            return result;
        }

        var whole = await ScanAll(null, null);
        Assert.Equal(60, whole.Count);
        Assert.True(expected.SetEquals(whole));

        var segments = new List<List<string>>();
        for (var s = 0; s < 4; s++)
        {
            segments.Add(await ScanAll(s, 4));
        }

        Assert.Equal(60, segments.Sum(s => s.Count));
        Assert.True(expected.SetEquals(segments.SelectMany(s => s)));
        Assert.Equal(60, segments.SelectMany(s => s).Distinct().Count());
        Assert.True(segments.Count(s => s.Count > 0) >= 2);

        var filtered = await _client.ScanAsync(new ScanRequest
        {
            TableName = table,
            FilterExpression = "i < :ten",
            ProjectionExpression = "i",
            ExpressionAttributeValues = new() { [":ten"] = Av.N("10") },
        }, Ct);
        Assert.Equal(10, filtered.Count);
        Assert.Equal(60, filtered.ScannedCount);
        Assert.All(filtered.Items, i => Assert.Equal(["i"], i.Keys));

        var badSegment = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.ScanAsync(new ScanRequest { TableName = table, Segment = 4, TotalSegments = 4 }, Ct));
        Assert.Equal("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 4 is not less than TotalSegments: 4", badSegment.Message);
    }

    [Fact]
    public async Task Query_HashOnlyTable_ReturnsTheItemOnce()
    {
        var table = await Tables.CreateAsync(_client, "qhash");
        await _client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("only"), ["v"] = Av.N("1") } }, Ct);
        var request = new QueryRequest { TableName = table, KeyConditionExpression = "pk = :p", ExpressionAttributeValues = new() { [":p"] = Av.S("only") }, Limit = 1 };
        var first = await _client.QueryAsync(request, Ct);
        Assert.Equal("1", Assert.Single(first.Items)["v"].N);
        request.ExclusiveStartKey = new() { ["pk"] = Av.S("only") };
        var next = await _client.QueryAsync(request, Ct);
        Assert.Equal(0, next.Count);
        Assert.True(next.LastEvaluatedKey is null || next.LastEvaluatedKey.Count == 0);
    }

    [Theory]
    [InlineData("sk = :v", null, "Query condition missed key schema element: pk")]
    [InlineData("pk = :p OR sk = :v", null, "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: OR")]
    [InlineData("pk = :p AND attr = :v", null, "Query key condition not supported")]
    [InlineData("pk < :p", null, "Query key condition not supported")]
    [InlineData("pk = :p AND sk = :v AND sk > :v", null, "KeyConditionExpressions must only contain one condition per key")]
    [InlineData("pk = :p AND begins_with(sk, :n)", null, "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N")]
    [InlineData("pk = :n", null, "One or more parameter values were invalid: Condition parameter type does not match schema type")]
    [InlineData("pk = :p", "idx", "The table does not have the specified index: idx")]
    public async Task Query_InvalidKeyConditions_AreRejected(string keyCondition, string? index, string message)
    {
        var table = await Tables.CreateAsync(_client, "qbad", rangeName: "sk");
        var values = new Dictionary<string, AttributeValue>();
        foreach (var (name, value) in new[] { (":p", Av.S("p")), (":v", Av.S("v")), (":n", Av.N("1")) })
        {
            if (keyCondition.Contains(name, StringComparison.Ordinal))
            {
                values[name] = value;
            }
        }

        var e = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.QueryAsync(new QueryRequest
        {
            TableName = table,
            IndexName = index,
            KeyConditionExpression = keyCondition,
            ExpressionAttributeValues = values,
        }, Ct));
        Assert.Equal("ValidationException", e.ErrorCode);
        Assert.Equal(message, e.Message);
    }
}
