namespace Dynamo.Cart.Carts;

/// <summary>
/// Remembers the visitor's cart name in a cookie, so "/" continues the same cart. A page load of
/// /cart/{name} makes that the remembered cart; a first visit gets a new name. The name is handed to
/// the Blazor root component through <see cref="HttpContext.Items"/>.
/// </summary>
public static class CartCookie
{
    public const string Name = "dynamo-cart";
    public const string ItemKey = "dynamo-cart-name";
    private const string CartPrefix = "/cart/";

    public static IApplicationBuilder UseCartCookie(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var path = http.Request.Path.Value ?? "";
        if (HttpMethods.IsGet(http.Request.Method) && (path == "/" || path.StartsWith(CartPrefix, StringComparison.Ordinal) || path == "/cluster"))
        {
            var remembered = CartNames.Normalize(http.Request.Cookies[Name]);
            var name = (path.StartsWith(CartPrefix, StringComparison.Ordinal) ? CartNames.Normalize(Uri.UnescapeDataString(path[CartPrefix.Length..])) : null)
                ?? remembered
                ?? CartNames.Generate();
            if (!string.Equals(name, remembered, StringComparison.Ordinal))
            {
                http.Response.Cookies.Append(Name, name, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(30), IsEssential = true });
            }

            http.Items[ItemKey] = name;
        }

        await next(http);
    });
}
