namespace Dynamo.Client;

/// <summary>One version of a value as a client sees it.</summary>
public sealed record VersionedValue(byte[] Value, string? ContentType);

/// <summary>
/// What a read returns (paper §4.4): every causally concurrent version ("siblings") and one opaque
/// context covering all of them. Writing with this context supersedes exactly these versions.
/// </summary>
public sealed record ReadResult(IReadOnlyList<VersionedValue> Siblings, string? Context)
{
    public bool Found => Siblings.Count > 0;

    /// <summary>True when concurrent writes left more than one version: merge them and write back.</summary>
    public bool HasSiblings => Siblings.Count > 1;

    /// <summary>The value when there is exactly one version.</summary>
    public VersionedValue? Value => Siblings.Count == 1 ? Siblings[0] : null;
}

/// <summary>Tables settings as the cluster reports them.</summary>
public sealed record TableInfo(string Name, int N, int R, int W);

/// <summary>A request the cluster refused or could not serve, with the problem it reported.</summary>
public class DynamoException(int status, string title, string? detail) : Exception($"{status} {title}: {detail}")
{
    /// <summary>The HTTP status of the problem (503 when R or W replicas could not be reached).</summary>
    public int Status { get; } = status;

    public string Title { get; } = title;

    public string? Detail { get; } = detail;

    public bool IsUnavailable => Status == 503;
}

/// <summary>The client API both modes share: over the router's HTTP API or straight to a coordinator.</summary>
public interface IDynamoClient
{
    Task<ReadResult> GetAsync(string table, string key, int? r = null, CancellationToken cancellation = default);

    /// <summary>Writes a version; returns the context that covers it (for a next write without a read).</summary>
    Task<string> PutAsync(string table, string key, ReadOnlyMemory<byte> value, string? contentType = null, string? context = null, int? w = null, CancellationToken cancellation = default);

    Task DeleteAsync(string table, string key, string? context = null, int? w = null, CancellationToken cancellation = default);
}

public static class DynamoClientExtensions
{
    /// <summary>
    /// Read-modify-write with sibling resolution: reads the key, hands every sibling to
    /// <paramref name="update"/> (which merges them and applies the change; null deletes), and writes the
    /// result with the read's context, so the write supersedes exactly what was merged.
    /// </summary>
    public static async Task<string?> UpdateAsync(
        this IDynamoClient client,
        string table,
        string key,
        Func<ReadResult, byte[]?> update,
        string? contentType = null,
        CancellationToken cancellation = default)
    {
        var read = await client.GetAsync(table, key, cancellation: cancellation);
        var next = update(read);
        if (next is null)
        {
            await client.DeleteAsync(table, key, read.Context, cancellation: cancellation);
            return null;
        }

        return await client.PutAsync(table, key, next, contentType, read.Context, cancellation: cancellation);
    }
}

/// <summary>One key of a range read, with its live versions.</summary>
public sealed record RangeEntry(string Key, IReadOnlyList<VersionedValue> Siblings, string Context);

/// <summary>A page of a range read; when <see cref="HasMore"/>, continue after <see cref="Next"/>.</summary>
public sealed record RangePage(IReadOnlyList<RangeEntry> Items, bool HasMore, byte[]? Next);
