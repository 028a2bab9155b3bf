using Dynamo.Cart.Carts;
using Dynamo.Client;

namespace Dynamo.Cart.Tests.Fakes;

/// <summary>A carts table that exists (N=3 R=2 W=2), or, while <see cref="Unreachable"/>, a router that does not answer.</summary>
public sealed class FakeCartTable : ICartTable
{
    public bool Unreachable { get; set; }

    public string Name => "carts";

    public Task<TableInfo> EnsureAsync(CancellationToken cancellation = default) =>
        Unreachable
            ? Task.FromException<TableInfo>(new HttpRequestException("Connection refused (router:8080)"))
            : Task.FromResult(new TableInfo(Name, 3, 2, 2));

    public void Forget()
    {
    }
}
