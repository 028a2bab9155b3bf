using Dynamo.Client;
using Microsoft.Extensions.Options;

namespace Dynamo.Cart.Carts;

/// <summary>
/// Creates the carts table (PUT /tables/carts {"n":3,"r":2,"w":2}) if it is missing. A table's N may not
/// exceed the ring's size, and right after start the ring may still be forming: until N nodes are up,
/// creation waits (the caller gets a retryable 503), and after <see cref="CartOptions.TableWaitSeconds"/>
/// it settles for the nodes there are, so a one-node dev cluster works too.
/// </summary>
public sealed class CartTable(Func<DynamoHttpClient> router, IOptions<CartOptions> options, TimeProvider time, ILogger<CartTable> log) : ICartTable, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private TableInfo? _known;

    public string Name => options.Value.Table;

    public async Task<TableInfo> EnsureAsync(CancellationToken cancellation = default)
    {
        if (_known is { } known)
        {
            return known;
        }

        await _gate.WaitAsync(cancellation);
        try
        {
            return _known ??= await GetOrCreateAsync(cancellation);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Forget() => _known = null;

    public void Dispose() => _gate.Dispose();

    // A client per use (the table outlives any one HttpClient handler the factory rotates).
    private async Task<TableInfo> GetOrCreateAsync(CancellationToken cancellation)
    {
        var client = router();
        if (await client.GetTableAsync(Name, cancellation) is { } existing)
        {
            return existing;
        }

        var o = options.Value;
        int up;
        using (var cluster = await client.GetClusterAsync(cancellation))
        {
            up = cluster.RootElement.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("status").GetString() == "up");
        }

        int n = o.N;
        if (up < n)
        {
            if (time.GetUtcNow() - _started < TimeSpan.FromSeconds(o.TableWaitSeconds))
            {
                throw new DynamoException(503, "Ring still forming", $"{up} of {n} storage nodes have joined; the '{Name}' table needs {n}.");
            }

            n = Math.Max(1, up);
        }

        var created = await client.PutTableAsync(Name, n, Math.Min(o.R, n), Math.Min(o.W, n), cancellation);
        log.LogInformation("Table {Table} ready: N={N} R={R} W={W}", created.Name, created.N, created.R, created.W);
        return created;
    }
}
