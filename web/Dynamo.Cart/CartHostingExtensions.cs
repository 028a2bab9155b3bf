using Dynamo.Cart.Carts;
using Dynamo.Cart.Cluster;
using Dynamo.Client;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Dynamo.Cart;

/// <summary>The cart's services: the router client, the carts table, per-tab cart sessions and cluster watchers.</summary>
public static class CartHostingExtensions
{
    public const string RouterClient = "router";

    public static WebApplicationBuilder AddCart(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<CartOptions>().Bind(builder.Configuration.GetSection(CartOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CartOptions>, CartOptionsValidator>();
        services.AddSingleton(TimeProvider.System);

        // No automatic retries: the service defaults' standard resilience handler would repeat a GET that
        // got a 503 for many seconds before the visitor hears about it, and its circuit breaker would trip
        // on a demo that fails on purpose. The cart shows a failure at once and offers Retry instead. (The
        // defaults register one handler for every client of this process, so this applies to all of them.)
        int timeout = builder.Configuration.GetValue($"{CartOptions.Section}:{nameof(CartOptions.RequestTimeoutSeconds)}", 15);
        services.PostConfigureAll<HttpStandardResilienceOptions>(o => NoRetries(o, TimeSpan.FromSeconds(timeout)));
        services.AddHttpClient(RouterClient, (sp, http) => http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<CartOptions>>().Value.RouterUrl));
        services.AddHttpClient(HttpNodeAdmin.ClientName);

        services.AddTransient(sp => new DynamoHttpClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(RouterClient)));
        services.AddTransient<IDynamoClient>(sp => sp.GetRequiredService<DynamoHttpClient>());
        services.AddSingleton<Func<DynamoHttpClient>>(sp => sp.GetRequiredService<DynamoHttpClient>);
        services.AddSingleton<ICartTable, CartTable>();
        services.AddHostedService<CartTableWarmup>();
        services.AddTransient<IClusterSource, RouterClusterSource>();
        services.AddSingleton<INodeAdmin, HttpNodeAdmin>();

        // One of each per browser tab (a Blazor circuit).
        services.AddScoped<CartSession>();
        services.AddScoped<ICartDrafts, BrowserCartDrafts>();
        services.AddScoped<ClusterWatcher>();
        return builder;
    }

    private static void NoRetries(HttpStandardResilienceOptions o, TimeSpan timeout)
    {
        o.Retry.ShouldHandle = _ => ValueTask.FromResult(false);
        o.CircuitBreaker.ShouldHandle = _ => ValueTask.FromResult(false);
        o.AttemptTimeout.Timeout = timeout;
        o.TotalRequestTimeout.Timeout = timeout + TimeSpan.FromSeconds(1);
        o.CircuitBreaker.SamplingDuration = (2 * timeout) + TimeSpan.FromSeconds(1);
    }
}
