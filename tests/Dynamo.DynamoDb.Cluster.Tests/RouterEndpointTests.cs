using System.Diagnostics;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Aspire.Hosting.Testing;
using Dynamo.DynamoDb.Tests.Infrastructure;

namespace Dynamo.DynamoDb.Tests;

/// <summary>
/// The router's own DynamoDB endpoint (http://localhost:8000 under the AppHost), driven by the official
/// AWS SDK and by the AWS CLI or boto3, as a user would point them at the cluster.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RouterEndpointTests
{
    private static async Task<Uri> EndpointAsync() => (await SharedCluster.Instance).App.App.GetEndpoint("router", "dynamodb");

    private static async Task<AmazonDynamoDBClient> ClientAsync() =>
        new(new BasicAWSCredentials("AKIDROUTER", "router-secret"), new AmazonDynamoDBConfig { ServiceURL = (await EndpointAsync()).ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 2 });

    [Fact]
    public async Task TheAwsSdkCreatesWritesQueriesScansAndDeletesThroughTheRouter()
    {
        using var client = await ClientAsync();
        string table = Tables.UniqueName("router");
        var created = await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            KeySchema = [new("pk", KeyType.HASH), new("sk", KeyType.RANGE)],
            AttributeDefinitions = [new("pk", ScalarAttributeType.S), new("sk", ScalarAttributeType.N)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        });
        Assert.Equal(TableStatus.ACTIVE, created.TableDescription.TableStatus);

        for (int i = 0; i < 30; i++)
        {
            await client.PutItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = Av.S("p" + (i % 3)), ["sk"] = Av.N(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ["v"] = Av.S("value " + i) });
        }

        var got = await client.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["pk"] = Av.S("p1"), ["sk"] = Av.N("4") }, ConsistentRead = true });
        Assert.Equal("value 4", got.Item["v"].S);

        // Query pages through one partition key in sort-key order, both directions.
        var seen = new List<string>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await client.QueryAsync(new QueryRequest
            {
                TableName = table,
                KeyConditionExpression = "pk = :p AND sk BETWEEN :lo AND :hi",
                ExpressionAttributeValues = new() { [":p"] = Av.S("p2"), [":lo"] = Av.N("5"), [":hi"] = Av.N("26") },
                Limit = 3,
                ExclusiveStartKey = start,
            });
            seen.AddRange(page.Items.Select(i => i["sk"].N));
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        Assert.Equal(["5", "8", "11", "14", "17", "20", "23", "26"], seen);
        var backwards = await client.QueryAsync(new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "pk = :p",
            ExpressionAttributeValues = new() { [":p"] = Av.S("p0") },
            ScanIndexForward = false,
        });
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (27 - (3 * i)).ToString(System.Globalization.CultureInfo.InvariantCulture)), backwards.Items.Select(i => i["sk"].N));

        // A parallel scan in two segments sees every item once.
        var scanned = new List<string>();
        foreach (int segment in new[] { 0, 1 })
        {
            Dictionary<string, AttributeValue>? from = null;
            do
            {
                var page = await client.ScanAsync(new ScanRequest { TableName = table, Segment = segment, TotalSegments = 2, Limit = 7, ExclusiveStartKey = from });
                scanned.AddRange(page.Items.Select(i => i["v"].S));
                from = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
            }
            while (from is not null);
        }

        Assert.Equal(Enumerable.Range(0, 30).Select(i => "value " + i).Order(), scanned.Order());

        await client.DeleteItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = Av.S("p1"), ["sk"] = Av.N("4") });
        var gone = await client.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["pk"] = Av.S("p1"), ["sk"] = Av.N("4") }, ConsistentRead = true });
        Assert.False(gone.IsItemSet);

        var conditional = await Assert.ThrowsAsync<ConditionalCheckFailedException>(() => client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new() { ["pk"] = Av.S("p0"), ["sk"] = Av.N("0"), ["v"] = Av.S("overwritten") },
            ConditionExpression = "attribute_not_exists(pk)",
        }));
        Assert.NotNull(conditional);

        await client.DeleteTableAsync(table);
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => client.DescribeTableAsync(table));
    }

    [Fact]
    public async Task TheAwsCliOrBoto3WorksAgainstTheRouter()
    {
        string table = Tables.UniqueName("clirouter");
        string endpoint = (await EndpointAsync()).ToString().TrimEnd('/');
        string scripts = Path.Combine(AppContext.BaseDirectory, "Scripts");
        bool hasCli = await ExitCodeAsync("aws", "--version") == 0;
        var psi = hasCli
            ? new ProcessStartInfo("bash") { ArgumentList = { Path.Combine(scripts, "cli_smoke.sh"), endpoint, table } }
            : new ProcessStartInfo("python3") { ArgumentList = { Path.Combine(scripts, "boto3_smoke.py"), endpoint, table } };
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.Environment["AWS_ACCESS_KEY_ID"] = DynamoDbServer.AccessKey;
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = DynamoDbServer.SecretKey;
        psi.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{psi.FileName} failed ({process.ExitCode}): {await stderr}\n{await stdout}");
        using var result = JsonDocument.Parse(await stdout);
        Assert.Equal(2, result.RootElement.GetProperty("Count").GetInt32());
        Assert.Equal(["2", "3"], result.RootElement.GetProperty("Items").EnumerateArray().Select(i => i.GetProperty("sk").GetProperty("N").GetString()));
    }

    private static async Task<int> ExitCodeAsync(string file, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            using var p = Process.Start(psi)!;
            await p.WaitForExitAsync();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
