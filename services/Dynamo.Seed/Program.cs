using Dynamo.Protos.Hosting;
using Dynamo.Seed;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString("cache")))
{
    builder.AddRedisClient("cache", configureOptions: o => o.AbortOnConnectFail = false);
}

builder.Services.AddOptions<SeedOptions>().Bind(builder.Configuration.GetSection(SeedOptions.Section)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<SeedOptions>, SeedOptionsValidator>();
builder.Services.AddSingleton(sp => new ClusterCredentials(sp.GetRequiredService<IOptions<SeedOptions>>().Value.ClusterSecret));
builder.Services.AddSingleton<PeerChannels>();
builder.Services.AddSingleton<FaultState>();
builder.Services.AddSingleton<MembershipLog>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<MembershipLog>());
builder.Services.AddSingleton<SeedRuntime>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<SeedRuntime>());
builder.Services.AddSingleton(sp => sp.GetRequiredService<SeedRuntime>().Host);
builder.Services.AddSingleton<Func<Dynamo.Protos.JoinRequest, Grpc.Core.ServerCallContext, Task<Dynamo.Protos.GossipReply>>>(sp => sp.GetRequiredService<SeedRuntime>().JoinAsync);
builder.Services.AddGrpc(o => o.Interceptors.Add<ClusterAuthInterceptor>()).AddStrictMessageParsing();
builder.Services.AddProblemDetails();
var app = builder.Build();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapGrpcService<MembershipService>();
app.MapSeedApi();
app.Run();
