// The resource graph of Dynamo on Aspire (DESIGN §8): Redis for the seed's membership record, the seed
// (gossip bootstrap and admin), the storage nodes, the router in front of them, and the cart demo.
var builder = DistributedApplication.CreateBuilder(args);

var clusterSecret = builder.AddParameter("cluster-secret", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
var adminKey = builder.AddParameter("admin-key", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);

var cache = builder.AddRedisCache("cache");

var seed = builder.AddProject<Projects.Dynamo_Seed>("seed")
    .WithDynamicPorts()
    .WithHttpHealthCheck("/health", endpointName: "http")
    .WithReference(cache)
    .WaitFor(cache)
    .WithClusterCredentials(clusterSecret, adminKey)
    .WithRingCommand(adminKey);

var nodes = builder.AddStorageNodes(seed, clusterSecret, adminKey);

var router = builder.AddProject<Projects.Dynamo_Router>("router")
    .WithSeeds(seed, nodes[0])
    .WithClusterCredentials(clusterSecret, adminKey)
    .WithHttpHealthCheck("/health")
    .WithUrlForEndpoint("http", u => u.DisplayText = "Router API")
    .WithHttpEndpoint(port: 8000, name: "dynamodb", env: "Dynamo__DynamoDbPort")
    .WithUrlForEndpoint("dynamodb", u => u.DisplayText = "DynamoDB API")
    .WithClusterUrl();
foreach (var node in nodes)
{
    router.WaitFor(node);
}

// Tests of the cluster alone leave the demo out ("Dynamo:Cart": false).
if (!bool.TryParse(builder.Configuration["Dynamo:Cart"], out bool withCart) || withCart)
{
    builder.AddCart(router, adminKey);
}

// After a Ctrl+C the dashboard is gone first; a short export timeout lets every process stop in seconds.
// Idle thread-pool workers must not spin: the processes share the machine's cores (bench/: +25% ops/s on 2 cores).
// Two malloc arenas: RocksDB's freed memory stays resident in every arena glibc opens (bench/: −15% node RSS).
foreach (var project in builder.Resources.OfType<ProjectResource>())
{
    builder.CreateResourceBuilder(project)
        .WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "2000")
        .WithEnvironment("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", "0")
        .WithEnvironment("MALLOC_ARENA_MAX", "2");
}

builder.Build().Run();
