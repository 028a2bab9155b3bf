namespace Dynamo.Cart.Tests.Browser;

/// <summary>The browser tests share one running app, one test at a time.</summary>
[CollectionDefinition(Name)]
public sealed class CartAppCollection : ICollectionFixture<CartAppFixture>
{
    public const string Name = "cart-app";
}
