namespace Dynamo.Cart.Catalog;

/// <summary>The shop's small, fixed catalog. Carts store SKUs; names and prices come from here.</summary>
public static class ProductCatalog
{
    public static IReadOnlyList<Product> All { get; } =
    [
        new("apple", "Honeycrisp apple", "Crisp, sweet, and replicated three times.", 0.80m, "#e5484d", "#46a758"),
        new("pear", "Conference pear", "Eventually ripe. Eventually consistent.", 0.90m, "#a3c93a", "#7c5a2e"),
        new("coffee", "Coffee mug", "Holds one large latte or many small gossip rounds.", 12.50m, "#3e63dd", "#f5d90a"),
        new("notebook", "Dotted notebook", "For writing down vector clocks by hand.", 7.00m, "#f76b15", "#fff1e7"),
        new("headphones", "Headphones", "Noise-cancelling: no more phi-accrual chatter.", 59.00m, "#6e56cf", "#1c2024"),
        new("plant", "Succulent", "Thrives on neglect, like a well-tuned anti-entropy process.", 9.50m, "#30a46c", "#d6a35c"),
        new("sneakers", "Running sneakers", "For sprinting to the next node on the ring.", 74.00m, "#0090ff", "#ffffff"),
        new("lamp", "Desk lamp", "Sheds light on sibling versions.", 34.00m, "#ffc53d", "#1c2024"),
    ];

    private static readonly Dictionary<string, Product> BySku = All.ToDictionary(p => p.Sku, StringComparer.Ordinal);

    public static Product? Find(string sku) => BySku.GetValueOrDefault(sku);

    /// <summary>The catalog order, so the cart lists items as the shop does; unknown SKUs last.</summary>
    public static int Rank(string sku)
    {
        for (int i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i].Sku, sku, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
