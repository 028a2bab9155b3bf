using System.Globalization;
using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Dynamo.DynamoDb.Storage;
using Dynamo.DynamoDb.Tests.Infrastructure;

namespace Dynamo.DynamoDb.Tests;

public sealed class BatchTests(OpenServerFixture fixture) : IClassFixture<OpenServerFixture>
{
    private readonly AmazonDynamoDBClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WriteRequest Put(string pk, string value) =>
        new() { PutRequest = new PutRequest { Item = new() { ["pk"] = Av.S(pk), ["v"] = Av.S(value) } } };

    [Fact]
    public async Task BatchWriteThenBatchGet_AcrossTwoTables()
    {
        var t1 = await Tables.CreateAsync(_client, "bw1");
        var t2 = await Tables.CreateAsync(_client, "bw2");
        var write = await _client.BatchWriteItemAsync(new BatchWriteItemRequest
        {
            RequestItems = new()
            {
                [t1] = [.. Enumerable.Range(0, 15).Select(i => Put("k" + i.ToString(CultureInfo.InvariantCulture), "one"))],
                [t2] = [Put("a", "two"), Put("b", "two")],
            },
        }, Ct);
        Assert.True(write.UnprocessedItems is null || write.UnprocessedItems.Count == 0);

        var delete = await _client.BatchWriteItemAsync(new BatchWriteItemRequest
        {
            RequestItems = new()
            {
                [t1] = [new WriteRequest { DeleteRequest = new DeleteRequest { Key = new() { ["pk"] = Av.S("k0") } } }, Put("k1", "replaced")],
            },
        }, Ct);
        Assert.True(delete.UnprocessedItems is null || delete.UnprocessedItems.Count == 0);

        var get = await _client.BatchGetItemAsync(new BatchGetItemRequest
        {
            RequestItems = new()
            {
                [t1] = new KeysAndAttributes
                {
                    Keys = [new() { ["pk"] = Av.S("k0") }, new() { ["pk"] = Av.S("k1") }, new() { ["pk"] = Av.S("k2") }],
                    ProjectionExpression = "#v",
                    ExpressionAttributeNames = new() { ["#v"] = "v" },
                    ConsistentRead = true,
                },
                [t2] = new KeysAndAttributes { Keys = [new() { ["pk"] = Av.S("a") }, new() { ["pk"] = Av.S("zzz") }] },
            },
        }, Ct);
        Assert.Equal(["one", "replaced"], get.Responses[t1].Select(i => i["v"].S).Order(StringComparer.Ordinal));
        Assert.All(get.Responses[t1], i => Assert.Equal(["v"], i.Keys));
        Assert.Equal("a", Assert.Single(get.Responses[t2])["pk"].S);
        Assert.True(get.UnprocessedKeys is null || get.UnprocessedKeys.Count == 0);
    }

    [Fact]
    public async Task BatchLimitsAndDuplicates_AreValidated()
    {
        var table = await Tables.CreateAsync(_client, "blim");
        var tooManyKeys = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.BatchGetItemAsync(new BatchGetItemRequest
        {
            RequestItems = new()
            {
                [table] = new KeysAndAttributes { Keys = [.. Enumerable.Range(0, 100).Select(i => new Dictionary<string, AttributeValue> { ["pk"] = Av.S("k" + i.ToString(CultureInfo.InvariantCulture)) })] },
                [table + "x"] = new KeysAndAttributes { Keys = [new() { ["pk"] = Av.S("k") }] },
            },
        }, Ct));
        Assert.Equal("Too many items requested for the BatchGetItem call", tooManyKeys.Message);

        var duplicates = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.BatchGetItemAsync(new BatchGetItemRequest
        {
            RequestItems = new() { [table] = new KeysAndAttributes { Keys = [new() { ["pk"] = Av.S("k") }, new() { ["pk"] = Av.S("k") }] } },
        }, Ct));
        Assert.Equal("Provided list of item keys contains duplicates", duplicates.Message);

        var duplicateWrites = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.BatchWriteItemAsync(new BatchWriteItemRequest
        {
            RequestItems = new() { [table] = [Put("k", "1"), Put("k", "2")] },
        }, Ct));
        Assert.Equal("Provided list of item keys contains duplicates", duplicateWrites.Message);

        var tooManyWrites = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.BatchWriteItemAsync(new BatchWriteItemRequest
        {
            RequestItems = new() { [table] = [.. Enumerable.Range(0, 26).Select(i => Put("k" + i.ToString(CultureInfo.InvariantCulture), "v"))] },
        }, Ct));
        Assert.Equal("ValidationException", tooManyWrites.ErrorCode);
        Assert.Contains("Member must have length less than or equal to 25", tooManyWrites.Message, StringComparison.Ordinal);

        var missingTable = await Assert.ThrowsAsync<ResourceNotFoundException>(() => _client.BatchWriteItemAsync(new BatchWriteItemRequest
        {
            RequestItems = new() { ["no-such-table"] = [Put("k", "1")] },
        }, Ct));
        Assert.Equal("Requested resource not found", missingTable.Message);

        // Nothing was written by the rejected batches.
        var scan = await _client.ScanAsync(new ScanRequest { TableName = table }, Ct);
        Assert.Equal(0, scan.Count);
    }

    [Fact]
    public async Task BatchWrite_StoreQuorumFailures_BecomeUnprocessedItems()
    {
        await using var server = await DynamoDbServer.StartAsync(requireAuth: false);
        using var client = server.CreateClient();
        var table = await Tables.CreateAsync(client, "bfail");
        var failing = new HashSet<string> { SortKeyCodec.EncodeString("k3"), SortKeyCodec.EncodeString("k7") };
        server.Store.FailureInjector = (op, t, key) =>
        {
            if (op == "Put" && t == table && key is { } k && failing.Contains(k.PartitionKey))
            {
                throw new ItemStoreException(ItemStoreErrorKind.QuorumNotReached, "only 1 of 2 required replicas acknowledged");
            }
        };

        var response = await client.BatchWriteItemAsync(new BatchWriteItemRequest
        {
            RequestItems = new() { [table] = [.. Enumerable.Range(0, 10).Select(i => Put("k" + i.ToString(CultureInfo.InvariantCulture), "v"))] },
        }, Ct);
        var unprocessed = response.UnprocessedItems[table];
        Assert.Equal(["k3", "k7"], unprocessed.Select(w => w.PutRequest.Item["pk"].S).Order(StringComparer.Ordinal));
        Assert.All(unprocessed, w => Assert.Equal("v", w.PutRequest.Item["v"].S));

        var stored = await client.ScanAsync(new ScanRequest { TableName = table }, Ct);
        Assert.Equal(8, stored.Count);

        // Retrying the unprocessed items once the store recovers completes the batch.
        server.Store.FailureInjector = null;
        var retry = await client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = response.UnprocessedItems }, Ct);
        Assert.True(retry.UnprocessedItems is null || retry.UnprocessedItems.Count == 0);
        Assert.Equal(10, (await client.ScanAsync(new ScanRequest { TableName = table }, Ct)).Count);
    }

    [Fact]
    public async Task BatchGet_StoreFailures_BecomeUnprocessedKeys_AndSingleOpsGet503()
    {
        await using var server = await DynamoDbServer.StartAsync(requireAuth: false);
        using var client = server.CreateClient();
        var table = await Tables.CreateAsync(client, "bgfail");
        await client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = new() { [table] = [Put("a", "1"), Put("b", "2"), Put("c", "3")] } }, Ct);
        var failing = SortKeyCodec.EncodeString("b");
        server.Store.FailureInjector = (op, t, key) =>
        {
            if (t == table && key?.PartitionKey == failing)
            {
                throw new ItemStoreException(ItemStoreErrorKind.Unavailable, "no replica reachable");
            }
        };

        var response = await client.BatchGetItemAsync(new BatchGetItemRequest
        {
            RequestItems = new()
            {
                [table] = new KeysAndAttributes { Keys = [new() { ["pk"] = Av.S("a") }, new() { ["pk"] = Av.S("b") }, new() { ["pk"] = Av.S("c") }], ConsistentRead = true },
            },
        }, Ct);
        Assert.Equal(["a", "c"], response.Responses[table].Select(i => i["pk"].S).Order(StringComparer.Ordinal));
        Assert.Equal("b", Assert.Single(response.UnprocessedKeys[table].Keys)["pk"].S);
        Assert.True(response.UnprocessedKeys[table].ConsistentRead);

        var e = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => client.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = Av.S("b") }, Ct));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);

        server.Store.FailureInjector = (_, _, _) => throw new ItemStoreException(ItemStoreErrorKind.Internal, "corrupt");
        var internalError = await Assert.ThrowsAsync<InternalServerErrorException>(() => client.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = Av.S("a") }, Ct));
        Assert.Equal(HttpStatusCode.InternalServerError, internalError.StatusCode);
    }
}
