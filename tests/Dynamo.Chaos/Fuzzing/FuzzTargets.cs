using System.Globalization;
using Dynamo.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dynamo.Chaos.Fuzzing;

/// <summary>
/// Where the fuzzer aims: each process's own Kestrel port (not Aspire's development proxy in front of
/// it, which is not part of the system and would hold slow connections itself), and the gRPC endpoints.
/// </summary>
public sealed record FuzzTargets(FuzzTargets.Http Router, IReadOnlyList<FuzzTargets.Http> Nodes, FuzzTargets.Http Seed, IReadOnlyList<FuzzTargets.Grpc> GrpcEndpoints)
{
    public sealed record Http(string Name, Uri Url);

    public sealed record Grpc(string Name, Uri Url);

    public static async Task<FuzzTargets> ResolveAsync(ClusterApp cluster, IEnumerable<string> nodes)
    {
        var list = nodes.ToList();
        var httpNodes = new List<Http>();
        foreach (var node in list)
        {
            httpNodes.Add(await DirectAsync(cluster, node));
        }

        var grpc = list.Append("seed").Select(n => new Grpc(n, cluster.GrpcEndpoint(n))).ToList();
        return new FuzzTargets(await DirectAsync(cluster, "router"), httpNodes, await DirectAsync(cluster, "seed"), grpc);
    }

    private static async Task<Http> DirectAsync(ClusterApp cluster, string resource)
    {
        var proxied = cluster.App.GetEndpoint(resource, "http");
        var model = cluster.App.Services.GetRequiredService<DistributedApplicationModel>();
        if (model.Resources.OfType<IResourceWithEndpoints>().FirstOrDefault(r => r.Name == resource) is { } r
            && await r.GetEndpoint("http").Property(EndpointProperty.TargetPort).GetValueAsync() is { } port
            && int.TryParse(port, NumberStyles.Integer, CultureInfo.InvariantCulture, out int p))
        {
            return new Http(resource, new UriBuilder(proxied) { Port = p }.Uri);
        }

        return new Http(resource, proxied);
    }
}
