using Dynamo.StorageNode;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddStorageNode();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapStorageNode();
app.Run();
