using System.Globalization;

namespace Dynamo.Cart.Catalog;

/// <summary>Prices as the shop shows them (invariant culture: the demo is in English, in dollars).</summary>
public static class Money
{
    public static string Format(decimal amount) => amount.ToString("$#,##0.00", CultureInfo.InvariantCulture);
}
