namespace Aspire.Hosting;

/// <summary>
/// The shopping-cart demo ("cart", DESIGN §1 and §8): a Blazor app on :8081 (its launch profile) that
/// stores carts through the router, and cuts nodes off or reconnects them through their secured admin API.
/// </summary>
public static class CartResource
{
    public static IResourceBuilder<ProjectResource> AddCart(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<ProjectResource> router,
        IResourceBuilder<ParameterResource> adminKey)
    {
        var cart = builder.AddProject<Projects.Dynamo_Cart>("cart")
            .WithReference(router)
            .WaitFor(router)
            .WithEnvironment("Dynamo__AdminKey", adminKey)
            .WithHttpHealthCheck("/health")
            .WithUrlForEndpoint("http", u => u.DisplayText = "Shopping cart demo");

        // A reference to every storage node, spares included ("http://node4" resolves once it is started):
        // the cart's cluster page calls their admin API. References only; the cart waits for none of them.
        foreach (var node in builder.Resources.OfType<ProjectResource>().Where(IsStorageNode).ToList())
        {
            cart.WithReference(builder.CreateResourceBuilder(node));
        }

        return cart;
    }

    private static bool IsStorageNode(ProjectResource resource) =>
        resource.TryGetLastAnnotation<IProjectMetadata>(out var project)
        && string.Equals(Path.GetFileNameWithoutExtension(project.ProjectPath), "Dynamo.StorageNode", StringComparison.Ordinal);
}
