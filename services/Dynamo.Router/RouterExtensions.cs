using Dynamo.Client;
using Dynamo.DynamoDb;
using Microsoft.Extensions.Options;

namespace Dynamo.Router;

public static class RouterExtensions
{
    public static WebApplicationBuilder AddRouter(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RouterOptions>().Bind(builder.Configuration.GetSection(RouterOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RouterOptions>, RouterOptionsValidator>();
        builder.Services.AddSingleton(sp => new PartitionAwareClient(
            sp.GetRequiredService<IOptions<RouterOptions>>().Value.ToClientOptions(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<PartitionAwareClient>()));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<PartitionAwareClient>().View);
        builder.Services.AddSingleton(sp => new Forwarder(sp.GetRequiredService<ClusterView>()));
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<Dynamo.DynamoDb.Storage.IItemStore, DynamoDb.ClusterItemStore>();
        builder.Services.AddDynamoDbApi(o =>
        {
            var section = builder.Configuration.GetSection(RouterOptions.Section);
            string id = section["DynamoDbAccessKeyId"] ?? "";
            string secret = section["DynamoDbSecretAccessKey"] ?? "";
            if (id.Length > 0 && secret.Length > 0)
            {
                o.RequireSignature(id, secret);
            }
        });

        // Bodies beyond the value limit are refused by the API with a 413 problem; Kestrel's own limit
        // only has to be above it.
        int max = builder.Configuration.GetValue($"{RouterOptions.Section}:MaxValueBytes", 1 << 20);
        // The DynamoDB protocol gets its own port (Aspire passes it as Dynamo:DynamoDbPort and leaves the
        // binding to us); it is added to the URLs, since Kestrel's code-level Listen would replace them.
        int dynamoDbPort = builder.Configuration.GetValue<int>($"{RouterOptions.Section}:DynamoDbPort");
        if (dynamoDbPort > 0)
        {
            string urls = builder.Configuration["urls"] ?? "http://localhost:5000";
            builder.WebHost.UseUrls([.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries), $"http://localhost:{dynamoDbPort}"]);
        }

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = (long)max + (64 * 1024);
            k.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
        });
        return builder;
    }
}
