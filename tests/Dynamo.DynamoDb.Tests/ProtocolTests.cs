using System.Globalization;
using System.IO.Hashing;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dynamo.DynamoDb.Tests.Infrastructure;

namespace Dynamo.DynamoDb.Tests;

/// <summary>Wire-level behaviour, driven with raw HTTP.</summary>
public sealed class ProtocolTests(OpenServerFixture fixture) : IClassFixture<OpenServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response, byte[] Raw)> PostAsync(string? target, string body, string contentType = "application/x-amz-json-1.0")
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Url };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }

        var response = await http.SendAsync(request, Ct);
        var raw = await response.Content.ReadAsByteArrayAsync(Ct);
        using var doc = JsonDocument.Parse(raw.Length == 0 ? "{}"u8.ToArray() : raw);
        return (response.StatusCode, doc.RootElement.Clone(), response, raw);
    }

    [Theory]
    [InlineData("{\"TableName\": ")]
    [InlineData("not json at all")]
    [InlineData("{\"TableName\": \"x\",}")]
    [InlineData("")]
    public async Task MalformedJson_IsSerializationException(string body)
    {
        var (status, json, _, _) = await PostAsync("DynamoDB_20120810.ListTables", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("com.amazon.coral.service#SerializationException", json.GetProperty("__type").GetString());
    }

    [Theory]
    [InlineData("{\"TableName\": 5}", "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String")]
    [InlineData("{\"TableName\": [\"x\"]}", "Start of list found where not expected")]
    [InlineData("{\"TableName\": \"tbl\", \"Key\": {\"pk\": {\"B\": \"abc\"}}}", "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3")]
    [InlineData("[1, 2]", "Start of list found where not expected")]
    public async Task WrongJsonTypes_AreSerializationExceptions(string body, string message)
    {
        var (status, json, _, _) = await PostAsync("DynamoDB_20120810.GetItem", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("com.amazon.coral.service#SerializationException", json.GetProperty("__type").GetString());
        Assert.Equal(message, json.GetProperty("Message").GetString());
    }

    [Theory]
    [InlineData("DynamoDB_20120810.FlyToTheMoon")]
    [InlineData("DynamoDB_20111205.ListTables")]
    [InlineData(null)]
    public async Task UnknownTargets_AreUnknownOperationException(string? target)
    {
        var (status, json, _, _) = await PostAsync(target, "{}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("com.amazon.coral.service#UnknownOperationException", json.GetProperty("__type").GetString());
    }

    [Fact]
    public async Task Responses_CarryContentTypeRequestIdAndValidCrc32()
    {
        var (status, json, response, raw) = await PostAsync("DynamoDB_20120810.ListTables", "{}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Array, json.GetProperty("TableNames").ValueKind);
        Assert.Equal("application/x-amz-json-1.0", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(52, response.Headers.GetValues("x-amzn-RequestId").Single().Length);
        var crc = uint.Parse(response.Headers.GetValues("x-amz-crc32").Single(), CultureInfo.InvariantCulture);
        Assert.Equal(Crc32.HashToUInt32(raw), crc);
    }

    [Fact]
    public async Task ValidationErrors_UseDynamoDbErrorShape()
    {
        var (status, json, _, _) = await PostAsync("DynamoDB_20120810.DescribeTable", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("com.amazonaws.dynamodb.v20120810#ValidationException", json.GetProperty("__type").GetString());
        Assert.Equal("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null", json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task HealthCheck_AnswersGet()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Url };
        var text = await http.GetStringAsync("/", Ct);
        Assert.StartsWith("healthy: dynamodb", text, StringComparison.Ordinal);
    }
}
