using Dynamo.DynamoDb;
using Dynamo.Router;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRouter();

var app = builder.Build();

// Start following the cluster before the first request arrives.
app.Services.GetRequiredService<Dynamo.Client.PartitionAwareClient>();
// The DynamoDB protocol has its own port (8000 under the AppHost): requests arriving there go to it.
int dynamoDbPort = app.Configuration.GetValue<int>("Dynamo:DynamoDbPort");
if (dynamoDbPort > 0)
{
    app.MapWhen(
        ctx => ctx.Connection.LocalPort == dynamoDbPort,
        dynamoDb => dynamoDb.UseRouting().UseEndpoints(e => e.MapDynamoDbApi()));
}

// Routing after the branch: otherwise WebApplication routes first and the router's own routes would
// answer the DynamoDB port's requests.
app.UseRouting();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapRouterApi();
app.Run();
