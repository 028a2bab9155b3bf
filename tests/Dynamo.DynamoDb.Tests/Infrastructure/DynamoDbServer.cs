using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Dynamo.DynamoDb.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dynamo.DynamoDb.Tests.Infrastructure;

/// <summary>A real Kestrel server on 127.0.0.1 (random port) serving the DynamoDB API over an in-memory store.</summary>
public sealed class DynamoDbServer : IAsyncDisposable
{
    public const string AccessKey = "AKIDTESTKEY000000001";
    public const string SecretKey = "test/secret+key/0123456789abcdefghijklmn";

    private readonly WebApplication _app;

    private DynamoDbServer(WebApplication app, InMemoryItemStore store, Uri url, bool requiresAuth)
    {
        _app = app;
        Store = store;
        Url = url;
        RequiresAuth = requiresAuth;
    }

    public InMemoryItemStore Store { get; }

    public Uri Url { get; }

    public bool RequiresAuth { get; }

    public static async Task<DynamoDbServer> StartAsync(bool requireAuth)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddInMemoryItemStore();
        builder.Services.AddDynamoDbApi(o =>
        {
            if (requireAuth)
            {
                o.RequireSignature(AccessKey, SecretKey);
            }
        });
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.MapDynamoDbApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new DynamoDbServer(app, app.Services.GetRequiredService<InMemoryItemStore>(), new Uri(address), requireAuth);
    }

    public AmazonDynamoDBClient CreateClient(string accessKey = AccessKey, string secretKey = SecretKey, int maxErrorRetry = 0)
    {
        var config = new AmazonDynamoDBConfig
        {
            ServiceURL = Url.ToString(),
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = maxErrorRetry,
        };
        return new AmazonDynamoDBClient(new BasicAWSCredentials(accessKey, secretKey), config);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Shared server without authentication (one per test class using it).</summary>
public sealed class OpenServerFixture : IAsyncLifetime
{
    public DynamoDbServer Server { get; private set; } = null!;

    public AmazonDynamoDBClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await DynamoDbServer.StartAsync(requireAuth: false);
        Client = Server.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>Shared server requiring SigV4 with <see cref="DynamoDbServer.AccessKey"/>.</summary>
public sealed class AuthServerFixture : IAsyncLifetime
{
    public DynamoDbServer Server { get; private set; } = null!;

    public AmazonDynamoDBClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await DynamoDbServer.StartAsync(requireAuth: true);
        Client = Server.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
