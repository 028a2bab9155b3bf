using Dynamo.Bench.Systems.DynamoStore;
using Dynamo.Bench.Systems.Etcd;
using Dynamo.Bench.Systems.GrpcFanout;
using Dynamo.Bench.Systems.Redis;

namespace Dynamo.Bench.Systems;

/// <summary>
/// Every system the bench can measure, in run order. To add one (e.g. <c>dynamo_router</c>,
/// <c>dynamo_client</c>): implement <see cref="Abstractions.IBenchSystem"/> and
/// <see cref="Abstractions.IKeyValueClient"/> in a folder under Systems/, and add a
/// <see cref="SystemDescriptor"/> line here. It then runs by default, can be picked with
/// <c>--systems</c>, appears in the JSON, the HTML report, the summary table and the closing
/// <c>ratios:</c> line without further changes.
/// </summary>
public static class SystemCatalog
{
    public const string Etcd = "etcd";
    public const string GrpcFanoutUnary = "grpc_fanout_unary";
    public const string DynamoRouter = "dynamo_router";
    public const string DynamoClient = "dynamo_client";

    /// <summary>The systems every other system's throughput is compared against in the last line.</summary>
    public static readonly IReadOnlyList<string> RatioReferences = [Etcd, GrpcFanoutUnary];

    public static IReadOnlyList<SystemDescriptor> All { get; } =
    [
        new(Etcd, "3-member etcd cluster, linearizable gRPC KV Range/Put", ctx => new EtcdSystem(ctx)),
        new("redis", "single unreplicated redis-server, StackExchange.Redis", ctx => new RedisSystem(ctx)),
        new(GrpcFanoutUnary, "3 bare .NET gRPC KV servers, client waits for 2 of 3 unary calls", ctx => new GrpcFanoutSystem(ctx)),
        new(DynamoRouter, "3 Dynamo storage nodes (RocksDB), N=3 R=2 W=2, HTTP API via the router", ctx => new DynamoRouterSystem(ctx)),
        new(DynamoClient, "3 Dynamo storage nodes (RocksDB), N=3 R=2 W=2, partition-aware client (gRPC to the coordinator)", ctx => new DynamoClientSystem(ctx)),
    ];

    /// <summary>The systems under test, listed first in the ratios line.</summary>
    public static readonly IReadOnlyList<string> Headline = [DynamoClient, DynamoRouter];
}
