using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>How the Dynamo resources are declared: storage nodes, seeds, credentials, dashboard commands and links.</summary>
public static class DynamoResources
{
    public const string AdminKeyHeader = "X-Dynamo-Admin-Key";

    /// <summary>
    /// node1..nodeK (K = "Dynamo:Nodes", default 3), each with its own data directory, plus spare nodes
    /// ("Dynamo:SpareNodes", default 1) that start only when asked from the dashboard: start one and watch
    /// it join and take its partitions. Capacity and zone per node: "Dynamo:Node:{name}:Capacity" / ":Zone".
    /// </summary>
    public static List<IResourceBuilder<ProjectResource>> AddStorageNodes(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<ProjectResource> seed,
        IResourceBuilder<ParameterResource> clusterSecret,
        IResourceBuilder<ParameterResource> adminKey)
    {
        int count = builder.Configuration.GetValue("Dynamo:Nodes", 3);
        int spares = builder.Configuration.GetValue("Dynamo:SpareNodes", 1);
        string dataRoot = builder.Configuration["Dynamo:DataRoot"] ?? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "data"));
        var nodes = new List<IResourceBuilder<ProjectResource>>();
        for (int i = 1; i <= count + spares; i++)
        {
            string name = "node" + i;
            var node = builder.AddProject<Projects.Dynamo_StorageNode>(name)
                .WithDynamicPorts()
                .WithEnvironment("Dynamo__NodeId", name)
                .WithEnvironment("Dynamo__DataDirectory", Path.Combine(dataRoot, name))
                .WithEnvironment("Dynamo__StorageEngine", builder.Configuration["Dynamo:StorageEngine"] ?? "rocksdb")
                .WithEnvironment("Dynamo__PartitionCount", builder.Configuration["Dynamo:PartitionCount"] ?? "256")
                .WithEnvironment("Dynamo__Capacity", builder.Configuration[$"Dynamo:Node:{name}:Capacity"] ?? "1")
                .WithEnvironment("Dynamo__Zone", builder.Configuration[$"Dynamo:Node:{name}:Zone"] ?? "")
                .WithSeeds(seed)
                .WithClusterCredentials(clusterSecret, adminKey)
                .WithHttpHealthCheck("/health", endpointName: "http")
                .WithNodeCommands(adminKey)
                .WaitFor(seed);
            node.WithEnvironment("Dynamo__AdvertisedAddress", node.GetEndpoint("grpc"));
            if (i > count)
            {
                node.WithExplicitStart();
            }
            else
            {
                nodes.Add(node);
            }
        }

        return nodes;
    }

    /// <summary>
    /// The project's Kestrel endpoints ("http" HTTP/1.1 for health and admin, "grpc" HTTP/2 for the
    /// cluster protocol) with ports chosen at run time, so that any number of replicas of a project can
    /// run side by side. gRPC is not proxied: peers dial the node's own port.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDynamicPorts(this IResourceBuilder<ProjectResource> builder) =>
        builder
            .WithEndpoint("http", e =>
            {
                e.Port = null;
                e.TargetPort = null;
            })
            .WithEndpoint("grpc", e =>
            {
                e.Transport = "http2";
                e.IsProxied = false;
                e.Port = null;
                e.TargetPort = null;
            });

    /// <summary>Bootstrap contacts for gossip: "id=url" of each seed's gRPC endpoint.</summary>
    public static IResourceBuilder<ProjectResource> WithSeeds(this IResourceBuilder<ProjectResource> builder, params IResourceBuilder<ProjectResource>[] seeds)
    {
        for (int i = 0; i < seeds.Length; i++)
        {
            builder.WithEnvironment($"Dynamo__Seeds__{i}", ReferenceExpression.Create($"{seeds[i].Resource.Name}={seeds[i].GetEndpoint("grpc")}"));
        }

        return builder;
    }

    public static IResourceBuilder<ProjectResource> WithClusterCredentials(this IResourceBuilder<ProjectResource> builder, IResourceBuilder<ParameterResource> clusterSecret, IResourceBuilder<ParameterResource> adminKey) =>
        builder.WithEnvironment("Dynamo__ClusterSecret", clusterSecret).WithEnvironment("Dynamo__AdminKey", adminKey);

    /// <summary>The router's /cluster view as a link in the dashboard.</summary>
    public static IResourceBuilder<ProjectResource> WithClusterUrl(this IResourceBuilder<ProjectResource> builder) =>
        builder.WithUrls(ctx =>
        {
            if (ctx.GetEndpoint("http") is { } http)
            {
                ctx.Urls.Add(new ResourceUrlAnnotation { Url = http.Url + "/cluster", DisplayText = "Cluster (ring, nodes)", Endpoint = http });
            }
        });

    /// <summary>Dashboard commands of a storage node, each a call to its secured admin API.</summary>
    public static IResourceBuilder<ProjectResource> WithNodeCommands(this IResourceBuilder<ProjectResource> node, IResourceBuilder<ParameterResource> adminKey)
    {
        var http = node.GetEndpoint("http");
        node.WithAdminCommand("cut-off", "Cut off from cluster", "PlugDisconnected", http, "/admin/isolate", adminKey)
            .WithAdminCommand("reconnect", "Reconnect", "PlugConnected", http, "/admin/reconnect", adminKey)
            .WithAdminCommand("anti-entropy", "Run anti-entropy now", "ArrowSync", http, "/admin/anti-entropy", adminKey)
            .WithAdminCommand("decommission", "Decommission", "ArrowExit", http, "/admin/decommission", adminKey);
        return node;
    }

    /// <summary>The seed's "Show ring" command: the ring as the seed knows it, in the command's result.</summary>
    public static IResourceBuilder<ProjectResource> WithRingCommand(this IResourceBuilder<ProjectResource> seed, IResourceBuilder<ParameterResource> adminKey) =>
        seed.WithAdminCommand("show-ring", "Show ring", "DataPie", seed.GetEndpoint("http"), "/admin/ring", adminKey, HttpMethod.Get);

    private static IResourceBuilder<ProjectResource> WithAdminCommand(
        this IResourceBuilder<ProjectResource> builder,
        string name,
        string displayName,
        string icon,
        EndpointReference endpoint,
        string path,
        IResourceBuilder<ParameterResource> adminKey,
        HttpMethod? method = null) =>
        builder.WithCommand(
            name,
            displayName,
            async ctx =>
            {
                using var http = new HttpClient { BaseAddress = new Uri(endpoint.Url), Timeout = TimeSpan.FromSeconds(15) };
                using var request = new HttpRequestMessage(method ?? HttpMethod.Post, path);
                request.Headers.Add(AdminKeyHeader, await adminKey.Resource.GetValueAsync(ctx.CancellationToken));
                try
                {
                    using var response = await http.SendAsync(request, ctx.CancellationToken);
                    string body = await response.Content.ReadAsStringAsync(ctx.CancellationToken);
                    ctx.Logger.LogInformation("{Command} on {Resource}: {Status} {Body}", displayName, builder.Resource.Name, (int)response.StatusCode, body);
                    return response.IsSuccessStatusCode
                        ? CommandResults.Success($"{displayName}: done", body, CommandResultFormat.Json)
                        : CommandResults.Failure($"{displayName}: HTTP {(int)response.StatusCode} {body}");
                }
                catch (HttpRequestException ex)
                {
                    return CommandResults.Failure(ex);
                }
            },
            new CommandOptions
            {
                IconName = icon,
                Description = $"{(method ?? HttpMethod.Post).Method} {path} with the admin key",
                UpdateState = c => c.ResourceSnapshot.HealthStatus == HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
            });
}
