using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;
using Dynamo.DynamoDb.Tests.Infrastructure;

namespace Dynamo.DynamoDb.Tests;

/// <summary>Randomly mutated requests must always get a well-formed DynamoDB answer (200 or a 4xx error), never a 500 or a dropped connection.</summary>
public sealed class FuzzTests(OpenServerFixture fixture) : IClassFixture<OpenServerFixture>
{
    private static readonly string[] Templates =
    [
        """{"TableName":"fuzz-table","Item":{"pk":{"S":"k"},"n":{"N":"1.5"},"l":{"L":[{"M":{"a":{"SS":["x","y"]}}}]},"b":{"B":"AAE="}},"ConditionExpression":"attribute_not_exists(pk) OR n < :v","ExpressionAttributeValues":{":v":{"N":"10"}}}""",
        """{"TableName":"fuzz-table","Key":{"pk":{"S":"k"}},"UpdateExpression":"SET #a = list_append(if_not_exists(#a, :e), :l) ADD c :one REMOVE z[0]","ExpressionAttributeNames":{"#a":"a"},"ExpressionAttributeValues":{":e":{"L":[]},":l":{"L":[{"N":"1"}]},":one":{"N":"1"}},"ReturnValues":"ALL_NEW"}""",
        """{"TableName":"fuzz-table","KeyConditionExpression":"pk = :p","FilterExpression":"size(l) > :z AND contains(s, :p)","ExpressionAttributeValues":{":p":{"S":"k"},":z":{"N":"0"}},"Limit":5,"ScanIndexForward":false}""",
        """{"RequestItems":{"fuzz-table":[{"PutRequest":{"Item":{"pk":{"S":"a"}}}},{"DeleteRequest":{"Key":{"pk":{"S":"b"}}}}]}}""",
    ];

    private static readonly string[] Operations = ["PutItem", "UpdateItem", "Query", "BatchWriteItem", "Scan", "GetItem", "CreateTable"];

    private static readonly HashSet<string> KnownErrors =
    [
        "com.amazonaws.dynamodb.v20120810#ValidationException",
        "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
        "com.amazonaws.dynamodb.v20120810#ResourceInUseException",
        "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
        "com.amazon.coral.service#SerializationException",
    ];

    [Fact]
    public async Task MutatedRequests_AlwaysGetWellFormedAnswers()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Url };
        var setup = await Post(http, "CreateTable", """{"TableName":"fuzz-table","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}""");
        Assert.Equal(HttpStatusCode.OK, setup.Status);

        var mutation = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 10_000], Gen.Int[0, 8], Gen.Char["{}[]\":,.0123456789-+eEabkSNBLMpv#:()<>= \\u"]);
        var gen = Gen.Select(Gen.Int[0, Templates.Length - 1], Gen.Int[0, Operations.Length - 1], mutation.Array[1, 6]);
        await gen.SampleAsync(
            async (template, operation, mutations) =>
            {
                var body = new StringBuilder(Templates[template]);
                foreach (var (kind, position, length, c) in mutations)
                {
                    var at = position % (body.Length + 1);
                    switch (kind)
                    {
                        case 0:
                            body.Insert(at, c);
                            break;
                        case 1:
                            body.Remove(Math.Min(at, Math.Max(0, body.Length - 1)), Math.Min(length, body.Length - Math.Min(at, Math.Max(0, body.Length - 1))));
                            break;
                        default:
                            if (body.Length > 0)
                            {
                                body[at % body.Length] = c;
                            }

                            break;
                    }
                }

                var (status, json) = await Post(http, Operations[operation], body.ToString());
                Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{status} for {Operations[operation]} {body}");
                if (status == HttpStatusCode.BadRequest)
                {
                    var type = json.GetProperty("__type").GetString()!;
                    Assert.True(KnownErrors.Contains(type), type);
                }
            },
            iter: 400,
            threads: 1);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Json)> Post(HttpClient http, string operation, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "DynamoDB_20120810." + operation);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var doc = JsonDocument.Parse(text);
        return (response.StatusCode, doc.RootElement.Clone());
    }
}
