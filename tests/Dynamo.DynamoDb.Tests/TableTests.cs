using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Dynamo.DynamoDb.Tests.Infrastructure;

namespace Dynamo.DynamoDb.Tests;

public sealed class TableTests(OpenServerFixture fixture) : IClassFixture<OpenServerFixture>
{
    private readonly AmazonDynamoDBClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateDescribeDelete_ReportsSchemaAndLifecycle()
    {
        var name = Tables.UniqueName("lifecycle");
        var created = await _client.CreateTableAsync(
            new CreateTableRequest
            {
                TableName = name,
                KeySchema = [new KeySchemaElement("id", KeyType.HASH), new KeySchemaElement("ts", KeyType.RANGE)],
                AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S), new AttributeDefinition("ts", ScalarAttributeType.N)],
                ProvisionedThroughput = new ProvisionedThroughput(5, 7),
            },
            Ct);
        Assert.Equal(TableStatus.ACTIVE, created.TableDescription.TableStatus);
        Assert.Equal($"arn:aws:dynamodb:us-east-1:000000000000:table/{name}", created.TableDescription.TableArn);

        var described = (await _client.DescribeTableAsync(name, Ct)).Table;
        Assert.Equal(name, described.TableName);
        Assert.Equal(["id", "ts"], described.KeySchema.Select(k => k.AttributeName));
        Assert.Equal([KeyType.HASH, KeyType.RANGE], described.KeySchema.Select(k => k.KeyType));
        Assert.Equal(ScalarAttributeType.N, described.AttributeDefinitions.Single(a => a.AttributeName == "ts").AttributeType);
        Assert.Equal(5, described.ProvisionedThroughput.ReadCapacityUnits);
        Assert.Equal(7, described.ProvisionedThroughput.WriteCapacityUnits);
        Assert.Equal(BillingMode.PROVISIONED, described.BillingModeSummary.BillingMode);
        Assert.True(described.CreationDateTime > DateTime.UtcNow.AddMinutes(-5));

        var deleted = await _client.DeleteTableAsync(name, Ct);
        Assert.Equal(TableStatus.DELETING, deleted.TableDescription.TableStatus);
        var missing = await Assert.ThrowsAsync<ResourceNotFoundException>(() => _client.DescribeTableAsync(name, Ct));
        Assert.Equal($"Requested resource not found: Table: {name} not found", missing.Message);
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => _client.DeleteTableAsync(name, Ct));
    }

    [Fact]
    public async Task CreateTable_Twice_IsResourceInUse()
    {
        var name = await Tables.CreateAsync(_client, "dup");
        var e = await Assert.ThrowsAsync<ResourceInUseException>(() => _client.CreateTableAsync(
            new CreateTableRequest
            {
                TableName = name,
                KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
                AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
                BillingMode = BillingMode.PAY_PER_REQUEST,
            },
            Ct));
        Assert.Equal("Table already exists: " + name, e.Message);
    }

    [Theory]
    [InlineData("ab", "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3")]
    [InlineData("bad name!", "1 validation error detected: Value 'bad name!' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")]
    [InlineData("a!", "2 validation errors detected: Value 'a!' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value 'a!' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3")]
    public async Task CreateTable_InvalidName_IsRejected(string name, string message)
    {
        var e = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.CreateTableAsync(
            new CreateTableRequest
            {
                TableName = name,
                KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
                AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
                BillingMode = BillingMode.PAY_PER_REQUEST,
            },
            Ct));
        Assert.Equal("ValidationException", e.ErrorCode);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task CreateTable_SchemaErrors_AreRejectedWithDynamoDbMessages()
    {
        async Task<string> Fail(CreateTableRequest r)
        {
            r.TableName ??= Tables.UniqueName("bad");
            var e = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.CreateTableAsync(r, Ct));
            Assert.Equal("ValidationException", e.ErrorCode);
            return e.Message;
        }

        Assert.Equal(
            "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [other]",
            await Fail(new CreateTableRequest
            {
                KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
                AttributeDefinitions = [new AttributeDefinition("other", ScalarAttributeType.S)],
                BillingMode = BillingMode.PAY_PER_REQUEST,
            }));
        Assert.Equal(
            "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
            await Fail(new CreateTableRequest
            {
                KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
                AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S), new AttributeDefinition("x", ScalarAttributeType.S)],
                BillingMode = BillingMode.PAY_PER_REQUEST,
            }));
        Assert.Equal(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
            await Fail(new CreateTableRequest
            {
                KeySchema = [new KeySchemaElement("pk", KeyType.RANGE)],
                AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
                BillingMode = BillingMode.PAY_PER_REQUEST,
            }));
        Assert.Equal(
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
            await Fail(new CreateTableRequest
            {
                KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
                AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
                BillingMode = BillingMode.PAY_PER_REQUEST,
                ProvisionedThroughput = new ProvisionedThroughput(1, 1),
            }));
        Assert.Equal(
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
            await Fail(new CreateTableRequest
            {
                KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
                AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
            }));
        Assert.Contains(
            "Secondary indexes",
            await Fail(new CreateTableRequest
            {
                KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
                AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S), new AttributeDefinition("g", ScalarAttributeType.S)],
                BillingMode = BillingMode.PAY_PER_REQUEST,
                GlobalSecondaryIndexes =
                [
                    new GlobalSecondaryIndex
                    {
                        IndexName = "gsi",
                        KeySchema = [new KeySchemaElement("g", KeyType.HASH)],
                        Projection = new Projection { ProjectionType = ProjectionType.ALL },
                    },
                ],
            }),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListTables_PagesWithLimitAndExclusiveStartTableName()
    {
        await using var server = await DynamoDbServer.StartAsync(requireAuth: false);
        using var client = server.CreateClient();
        var expected = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            expected.Add(await Tables.CreateAsync(client, "list" + i));
        }

        expected.Sort(StringComparer.Ordinal);
        var seen = new List<string>();
        string? start = null;
        var pages = 0;
        do
        {
            var page = await client.ListTablesAsync(new ListTablesRequest { Limit = 3, ExclusiveStartTableName = start }, Ct);
            Assert.InRange(page.TableNames.Count, 1, 3);
            seen.AddRange(page.TableNames);
            start = page.LastEvaluatedTableName;
            pages++;
        }
        while (start is not null);

        Assert.Equal(expected, seen);
        Assert.Equal(3, pages);

        var all = await client.ListTablesAsync(new ListTablesRequest(), Ct);
        Assert.Equal(expected, all.TableNames);
        Assert.Null(all.LastEvaluatedTableName);

        var tooMany = int.Parse("101", System.Globalization.CultureInfo.InvariantCulture); // a runtime value: the SDK's analyzer rejects the literal
        var e = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => client.ListTablesAsync(new ListTablesRequest { Limit = tooMany }, Ct));
        Assert.Equal("1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100", e.Message);
    }

    [Fact]
    public async Task UpdateTable_ChangesThroughputAndBillingMode()
    {
        var name = Tables.UniqueName("upd");
        await _client.CreateTableAsync(
            new CreateTableRequest
            {
                TableName = name,
                KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
                AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
                ProvisionedThroughput = new ProvisionedThroughput(5, 5),
            },
            Ct);

        var same = await Assert.ThrowsAsync<AmazonDynamoDBException>(() =>
            _client.UpdateTableAsync(new UpdateTableRequest { TableName = name, ProvisionedThroughput = new ProvisionedThroughput(5, 5) }, Ct));
        Assert.StartsWith("The provisioned throughput for the table will not change.", same.Message, StringComparison.Ordinal);

        var raised = await _client.UpdateTableAsync(new UpdateTableRequest { TableName = name, ProvisionedThroughput = new ProvisionedThroughput(10, 20) }, Ct);
        Assert.Equal(10, raised.TableDescription.ProvisionedThroughput.ReadCapacityUnits);
        Assert.Equal(20, raised.TableDescription.ProvisionedThroughput.WriteCapacityUnits);
        Assert.NotNull(raised.TableDescription.ProvisionedThroughput.LastIncreaseDateTime);

        await _client.UpdateTableAsync(new UpdateTableRequest { TableName = name, BillingMode = BillingMode.PAY_PER_REQUEST }, Ct);
        var described = (await _client.DescribeTableAsync(name, Ct)).Table;
        Assert.Equal(BillingMode.PAY_PER_REQUEST, described.BillingModeSummary.BillingMode);
        Assert.Equal(0, described.ProvisionedThroughput.ReadCapacityUnits);

        var none = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => _client.UpdateTableAsync(new UpdateTableRequest { TableName = name }, Ct));
        Assert.StartsWith("At least one of ProvisionedThroughput, BillingMode", none.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ResourceNotFoundException>(() =>
            _client.UpdateTableAsync(new UpdateTableRequest { TableName = name + "-missing", BillingMode = BillingMode.PAY_PER_REQUEST }, Ct));
    }
}
