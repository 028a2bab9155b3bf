using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Dynamo.DynamoDb.Auth;
using Dynamo.DynamoDb.Tests.Infrastructure;

namespace Dynamo.DynamoDb.Tests;

public sealed class AuthTests(AuthServerFixture fixture) : IClassFixture<AuthServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CorrectlySignedSdkRequests_AreAccepted()
    {
        var client = fixture.Client;
        var table = await Tables.CreateAsync(client, "auth");
        await client.PutItemAsync(new PutItemRequest { TableName = table, Item = new() { ["pk"] = Av.S("k"), ["v"] = Av.S("signed") } }, Ct);
        var item = (await client.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = Av.S("k") }, Ct)).Item;
        Assert.Equal("signed", item["v"].S);
    }

    [Fact]
    public async Task RegionOfTheCredentialScope_AppearsInArns()
    {
        var config = new AmazonDynamoDBConfig { ServiceURL = fixture.Server.Url.ToString(), AuthenticationRegion = "eu-west-3", MaxErrorRetry = 0 };
        using var client = new AmazonDynamoDBClient(new BasicAWSCredentials(DynamoDbServer.AccessKey, DynamoDbServer.SecretKey), config);
        var table = await Tables.CreateAsync(client, "region");
        var described = await client.DescribeTableAsync(table, Ct);
        Assert.StartsWith("arn:aws:dynamodb:eu-west-3:", described.Table.TableArn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongSecret_IsInvalidSignatureException()
    {
        using var client = fixture.Server.CreateClient(secretKey: "not-the-secret");
        var e = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => client.ListTablesAsync(new ListTablesRequest(), Ct));
        Assert.Equal("InvalidSignatureException", e.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
            e.Message);
    }

    [Fact]
    public async Task UnknownAccessKey_IsUnrecognizedClientException()
    {
        using var client = fixture.Server.CreateClient(accessKey: "AKIDUNKNOWN000000000");
        var e = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => client.ListTablesAsync(new ListTablesRequest(), Ct));
        Assert.Equal("UnrecognizedClientException", e.ErrorCode);
        Assert.Equal("The security token included in the request is invalid.", e.Message);
    }

    [Fact]
    public async Task MissingAuthorization_IsMissingAuthenticationToken()
    {
        var (status, json) = await SendAsync("{}", signWith: null);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("com.amazon.coral.service#MissingAuthenticationTokenException", json.GetProperty("__type").GetString());
        Assert.Equal("Request is missing Authentication Token", json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task IndependentlySignedRawRequest_IsAccepted_AndTamperingOrStaleDatesAreRejected()
    {
        var now = DateTimeOffset.UtcNow;
        var (ok, okBody) = await SendAsync("{}", signWith: now);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(JsonValueKind.Array, okBody.GetProperty("TableNames").ValueKind);

        var (tampered, tamperedBody) = await SendAsync("{}", signWith: now, bodyAfterSigning: "{\"Limit\":1}");
        Assert.Equal(HttpStatusCode.BadRequest, tampered);
        Assert.Equal("com.amazon.coral.service#InvalidSignatureException", tamperedBody.GetProperty("__type").GetString());

        var (stale, staleBody) = await SendAsync("{}", signWith: now.AddMinutes(-20));
        Assert.Equal(HttpStatusCode.BadRequest, stale);
        Assert.Equal("com.amazon.coral.service#InvalidSignatureException", staleBody.GetProperty("__type").GetString());
        Assert.StartsWith("Signature expired: ", staleBody.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SigningKeyDerivation_MatchesTheAwsDocumentationExample()
    {
        var key = SigV4Verifier.SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
        Assert.Equal("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d", Convert.ToHexStringLower(key));
    }

    /// <summary>Sends ListTables signed by a minimal SigV4 signer written independently of the server's verifier.</summary>
    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(string body, DateTimeOffset? signWith, string? bodyAfterSigning = null)
    {
        var url = fixture.Server.Url;
        var host = url.Authority;
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "DynamoDB_20120810.ListTables");
        if (signWith is { } when)
        {
            var amzDate = when.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            var day = amzDate[..8];
            var payloadHash = Hex(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
            var canonical = $"POST\n/\n\nhost:{host}\nx-amz-date:{amzDate}\nx-amz-target:DynamoDB_20120810.ListTables\n\nhost;x-amz-date;x-amz-target\n{payloadHash}";
            var scope = $"{day}/us-east-1/dynamodb/aws4_request";
            var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
            var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + DynamoDbServer.SecretKey), day);
            key = Hmac(key, "us-east-1");
            key = Hmac(key, "dynamodb");
            key = Hmac(key, "aws4_request");
            var signature = Hex(Hmac(key, toSign));
            request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
            request.Headers.TryAddWithoutValidation(
                "Authorization",
                $"AWS4-HMAC-SHA256 Credential={DynamoDbServer.AccessKey}/{scope}, SignedHeaders=host;x-amz-date;x-amz-target, Signature={signature}");
        }

        request.Content = new StringContent(bodyAfterSigning ?? body, Encoding.UTF8);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.0");
        var response = await http.SendAsync(request, Ct);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return (response.StatusCode, doc.RootElement.Clone());
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
