using Dynamo.Cart.Crdt;
using Dynamo.Client;

namespace Dynamo.Cart.Tests.Fakes;

/// <summary>
/// A one-process stand-in for the cluster with the semantics the cart relies on: a read returns every
/// stored version and a context naming them; a write replaces exactly the versions its context names,
/// so two writes from the same context become siblings. <see cref="Unavailable"/> makes every call fail
/// as a quorum failure does (503).
/// </summary>
public sealed class InMemoryDynamo : IDynamoClient
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Table, string Key), List<(long Id, byte[] Value)>> _data = [];
    private long _next;

    public bool Unavailable { get; set; }

    public int Reads { get; private set; }

    public int Writes { get; private set; }

    public Task<ReadResult> GetAsync(string table, string key, int? r = null, CancellationToken cancellation = default)
    {
        lock (_lock)
        {
            Fail();
            Reads++;
            var versions = Versions(table, key);
            return Task.FromResult(new ReadResult(
                [.. versions.Select(v => new VersionedValue(v.Value, CartCodec.ContentType))],
                versions.Count == 0 ? null : Context(versions.Select(v => v.Id))));
        }
    }

    public Task<string> PutAsync(string table, string key, ReadOnlyMemory<byte> value, string? contentType = null, string? context = null, int? w = null, CancellationToken cancellation = default)
    {
        lock (_lock)
        {
            Fail();
            Writes++;
            var seen = Seen(context);
            var versions = Versions(table, key);
            versions.RemoveAll(v => seen.Contains(v.Id));
            long id = ++_next;
            versions.Add((id, value.ToArray()));
            return Task.FromResult(Context(seen.Append(id)));
        }
    }

    public Task DeleteAsync(string table, string key, string? context = null, int? w = null, CancellationToken cancellation = default)
    {
        lock (_lock)
        {
            Fail();
            var seen = Seen(context);
            Versions(table, key).RemoveAll(v => seen.Contains(v.Id));
            return Task.CompletedTask;
        }
    }

    /// <summary>The stored versions of a cart, decoded.</summary>
    public IReadOnlyList<CartState> Stored(string table, string key)
    {
        lock (_lock)
        {
            return [.. Versions(table, key).Select(v => CartCodec.Decode(v.Value))];
        }
    }

    private List<(long Id, byte[] Value)> Versions(string table, string key) =>
        _data.TryGetValue((table, key), out var list) ? list : _data[(table, key)] = [];

    private static HashSet<long> Seen(string? context) =>
        string.IsNullOrEmpty(context) ? [] : [.. context["ctx:".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse)];

    private static string Context(IEnumerable<long> ids) => "ctx:" + string.Join(',', ids.Order());

    private void Fail()
    {
        if (Unavailable)
        {
            throw new DynamoException(503, "Quorum not met", "1 of 2 replicas answered.");
        }
    }
}
