using Microsoft.Extensions.Options;

namespace Dynamo.Cart.Carts;

/// <summary>Refuses to start with a setting that cannot work, naming it.</summary>
public sealed class CartOptionsValidator : IValidateOptions<CartOptions>
{
    public ValidateOptionsResult Validate(string? name, CartOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!Uri.TryCreate(options.RouterUrl, UriKind.Absolute, out _))
        {
            errors.Add($"Cart:RouterUrl must be an absolute URL (got '{options.RouterUrl}').");
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(options.Table, "^[A-Za-z0-9_.-]{1,255}$"))
        {
            errors.Add("Cart:Table must be 1-255 characters of A-Z, a-z, 0-9, '_', '.', '-'.");
        }

        if (options.N < 1 || options.R < 1 || options.W < 1 || options.R > options.N || options.W > options.N)
        {
            errors.Add("Cart:N, Cart:R and Cart:W must satisfy 1 <= R <= N and 1 <= W <= N.");
        }

        if (options.RequestTimeoutSeconds is < 1 or > 300)
        {
            errors.Add("Cart:RequestTimeoutSeconds must be between 1 and 300.");
        }

        if (options.ClusterRefreshMs is < 100 or > 60_000)
        {
            errors.Add("Cart:ClusterRefreshMs must be between 100 and 60000.");
        }

        if (options.TableWaitSeconds is < 0 or > 3600)
        {
            errors.Add("Cart:TableWaitSeconds must be between 0 and 3600.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
