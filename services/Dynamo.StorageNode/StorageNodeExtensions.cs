using Dynamo.Protos;
using Dynamo.Protos.Hosting;
using Microsoft.Extensions.Options;

namespace Dynamo.StorageNode;

public static class StorageNodeExtensions
{
    public static WebApplicationBuilder AddStorageNode(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageNodeOptions>()
            .Bind(builder.Configuration.GetSection(StorageNodeOptions.Section))
            .PostConfigure(o => o.AdvertisedAddress ??= builder.Configuration["Kestrel:Endpoints:grpc:Url"])
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StorageNodeOptions>, StorageNodeOptionsValidator>();
        builder.Services.AddSingleton(sp => new ClusterCredentials(sp.GetRequiredService<IOptions<StorageNodeOptions>>().Value.ClusterSecret));
        builder.Services.AddSingleton<PeerChannels>();
        builder.Services.AddSingleton<FaultState>();
        builder.Services.AddSingleton<NodeRuntime>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NodeRuntime>());
        builder.Services.AddSingleton<NodeMetrics>();
        builder.Services.AddGrpc(o =>
        {
            o.Interceptors.Add<ClusterAuthInterceptor>();
            o.MaxReceiveMessageSize = 128 << 20;
            o.EnableDetailedErrors = false;
        }).AddStrictMessageParsing();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<NodeRuntime>().Host);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<NodeRuntime>().Durability);
        builder.Services.AddSingleton<Func<PutTableRequest, PutTableReply>>(sp => request => PutTable(sp.GetRequiredService<NodeRuntime>(), request));

        return builder;
    }

    public static WebApplication MapStorageNode(this WebApplication app)
    {
        app.Services.GetRequiredService<NodeMetrics>();
        app.MapGrpcService<CoordinatorService>();
        app.MapGrpcService<ReplicaService>();
        app.MapGrpcService<MembershipService>();
        app.MapAdminApi();
        app.MapGet("/", (NodeRuntime runtime) => Results.Ok(new { node = runtime.Options.NodeId, role = "storage-node" }));
        return app;
    }

    private static PutTableReply PutTable(NodeRuntime runtime, PutTableRequest request)
    {
        string? error = null;
        bool created = false;
        Dynamo.Core.Membership.TableSettings? settings = null;
        runtime.Host.Run(_ =>
        {
            created = !runtime.Node.State.Tables.ContainsKey(request.Name);
            error = runtime.Node.PutTable(request.Name, request.N, request.R, request.W);
            settings = runtime.Node.State.Tables.GetValueOrDefault(request.Name);
        });
        return new PutTableReply { Error = error ?? "", Settings = error is null ? ProtoMapper.ToProto(settings) : null, Created = created && error is null };
    }
}
