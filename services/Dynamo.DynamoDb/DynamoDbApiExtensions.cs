using Dynamo.DynamoDb.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dynamo.DynamoDb;

/// <summary>DI registration of the DynamoDB API.</summary>
public static class DynamoDbApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DynamoDbRequestHandler"/>, its options, a <see cref="HybridLogicalClock"/> and
    /// <see cref="TimeProvider.System"/> (unless already registered). An <see cref="IItemStore"/> must be registered too,
    /// e.g. with <see cref="AddInMemoryItemStore"/>.
    /// </summary>
    public static IServiceCollection AddDynamoDbApi(this IServiceCollection services, Action<DynamoDbApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<DynamoDbApiOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new HybridLogicalClock(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<DynamoDbRequestHandler>();
        return services;
    }

    /// <summary>Registers a singleton <see cref="InMemoryItemStore"/> as the <see cref="IItemStore"/>.</summary>
    public static IServiceCollection AddInMemoryItemStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<InMemoryItemStore>();
        services.TryAddSingleton<IItemStore>(sp => sp.GetRequiredService<InMemoryItemStore>());
        return services;
    }
}

/// <summary>Endpoint mapping of the DynamoDB API.</summary>
public static class DynamoDbApiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the DynamoDB JSON API: <c>POST {pattern}</c> serves the operations; <c>GET {pattern}</c> answers a health
    /// check like DynamoDB's. Returns the POST endpoint's convention builder.
    /// </summary>
    public static IEndpointConventionBuilder MapDynamoDbApi(this IEndpointRouteBuilder endpoints, string pattern = "/")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(pattern, (RequestDelegate)(context =>
        {
            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync("healthy: dynamodb ", context.RequestAborted);
        }));
        return endpoints.MapPost(pattern, (RequestDelegate)(context =>
            context.RequestServices.GetRequiredService<DynamoDbRequestHandler>().HandleAsync(context)));
    }
}
