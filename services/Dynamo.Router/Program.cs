using Dynamo.Router;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRouter();

var app = builder.Build();

// Start following the cluster before the first request arrives.
app.Services.GetRequiredService<Dynamo.Client.PartitionAwareClient>();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapRouterApi();
app.Run();
