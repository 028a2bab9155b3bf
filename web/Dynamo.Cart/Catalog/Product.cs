namespace Dynamo.Cart.Catalog;

/// <summary>
/// Something to buy. The picture is drawn by <c>ProductPicture</c> from <see cref="Sku"/> and the two
/// colours: inline SVG, so the demo needs no external assets.
/// </summary>
public sealed record Product(string Sku, string Name, string Blurb, decimal Price, string Color, string Accent);
