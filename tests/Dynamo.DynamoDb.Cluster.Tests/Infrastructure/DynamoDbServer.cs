using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Dynamo.Client;
using Dynamo.DynamoDb.Storage;
using Dynamo.Router.DynamoDb;
using Aspire.Hosting.Testing;
using Dynamo.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dynamo.DynamoDb.Tests.Infrastructure;

/// <summary>
/// The cluster variant of the test server: the real AppHost (real storage-node processes) started once for
/// the test run, and the DynamoDB protocol served in this process over <see cref="ClusterItemStore"/>,
/// which talks to those nodes like the router does. Same surface as the in-memory variant, so the same
/// test files run against both.
/// </summary>
public sealed class DynamoDbServer : IAsyncDisposable
{
    public const string AccessKey = "AKIDTESTKEY000000001";
    public const string SecretKey = "test/secret+key/0123456789abcdefghijklmn";

    private readonly WebApplication _app;

    private DynamoDbServer(WebApplication app, FaultInjectingItemStore store, Uri url, bool requiresAuth)
    {
        _app = app;
        Store = store;
        Url = url;
        RequiresAuth = requiresAuth;
    }

    public FaultInjectingItemStore Store { get; }

    public Uri Url { get; }

    public bool RequiresAuth { get; }

    public static async Task<DynamoDbServer> StartAsync(bool requireAuth)
    {
        var cluster = await SharedCluster.Instance;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // Each server sees its own tables, as each in-memory server does: the suite assumes a fresh catalog.
        var store = new FaultInjectingItemStore(new ClusterItemStore(cluster.Client, catalogNamespace: Guid.NewGuid().ToString("N")));
        builder.Services.AddSingleton<IItemStore>(store);
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
        return new DynamoDbServer(app, store, new Uri(address), requireAuth);
    }

    public AmazonDynamoDBClient CreateClient(string accessKey = AccessKey, string secretKey = SecretKey, int maxErrorRetry = 0) =>
        new(new BasicAWSCredentials(accessKey, secretKey), new AmazonDynamoDBConfig { ServiceURL = Url.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = maxErrorRetry });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The AppHost, started once per test run, and a partition-aware client connected to it.</summary>
public sealed class SharedCluster : IAsyncLifetime
{
    private static readonly TaskCompletionSource<SharedCluster> Started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static Task<SharedCluster> Instance => Started.Task;

    public ClusterApp App { get; private set; } = null!;

    public PartitionAwareClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        try
        {
            App = await ClusterApp.StartAsync(nodes: 3, spares: 0);
            Client = await PartitionAwareClient.ConnectAsync(
                new PartitionAwareClientOptions { ClusterSecret = ClusterApp.ClusterSecret, Seeds = [$"seed={App.App.GetEndpoint("seed", "grpc").ToString().TrimEnd('/')}"] },
                TimeSpan.FromSeconds(60));
            Started.SetResult(this);
        }
        catch (Exception ex)
        {
            Started.SetException(ex);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
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
