using Dynamo.Client;
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

        // Bodies beyond the value limit are refused by the API with a 413 problem; Kestrel's own limit
        // only has to be above it.
        int max = builder.Configuration.GetValue($"{RouterOptions.Section}:MaxValueBytes", 1 << 20);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = (long)max + (64 * 1024);
            k.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
        });
        return builder;
    }
}
