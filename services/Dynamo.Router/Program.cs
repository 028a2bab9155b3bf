using Dynamo.DynamoDb;
using Dynamo.Router;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRouter();

var app = builder.Build();

// Start following the cluster before the first request arrives.
app.Services.GetRequiredService<Dynamo.Client.PartitionAwareClient>();
// A request Kestrel cannot read to the end (bad chunking, a body too slow, a lying Content-Length) is the
// client's fault: answer with Kestrel's own 4xx as a problem, not a 500, and keep it out of the error log.
app.UseExceptionHandler(new ExceptionHandlerOptions
{
    StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode
        : FromRequestFraming(ex) ? StatusCodes.Status400BadRequest
        : StatusCodes.Status500InternalServerError,
    SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException || FromRequestFraming(c.Exception),
});
app.UseStatusCodePages();

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

app.MapDefaultEndpoints();
app.MapRouterApi();
app.Run();

// Kestrel's HTTP/1 body parsers throw other exception types too (an overflowing chunk size); where one
// was thrown from a message-body reader it is still the client's framing, not a server fault.
static bool FromRequestFraming(Exception ex)
{
    for (Exception? e = ex; e is not null; e = e.InnerException)
    {
        if (e.StackTrace?.Contains("Kestrel.Core.Internal.Http.Http1", StringComparison.Ordinal) == true
            && e.StackTrace.Contains("MessageBody", StringComparison.Ordinal))
        {
            return true;
        }
    }

    return false;
}
