namespace Dynamo.Cart.Carts;

/// <summary>Settings of the cart app ("Cart" section; environment: Cart__RouterUrl and so on).</summary>
public sealed class CartOptions
{
    public const string Section = "Cart";

    /// <summary>The router's HTTP API; "http://router" resolves through Aspire service discovery.</summary>
    public string RouterUrl { get; set; } = "http://router";

    /// <summary>The Dynamo table holding the carts, created at start if missing.</summary>
    public string Table { get; set; } = "carts";

    public int N { get; set; } = 3;

    public int R { get; set; } = 2;

    public int W { get; set; } = 2;

    /// <summary>How long to wait for N nodes to join before creating the table with fewer replicas.</summary>
    public int TableWaitSeconds { get; set; } = 60;

    /// <summary>A request to the router gives up after this long (the cart then offers a retry).</summary>
    public int RequestTimeoutSeconds { get; set; } = 15;

    /// <summary>How often the cluster page and the preference-list view poll GET /cluster.</summary>
    public int ClusterRefreshMs { get; set; } = 1000;

    /// <summary>Where the Aspire dashboard is (stopping and starting node processes is done there).</summary>
    public string DashboardUrl { get; set; } = "http://localhost:18888";
}
