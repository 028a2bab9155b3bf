using System.Text.Json;
using Dynamo.DynamoDb.Model;
using Dynamo.DynamoDb.Storage;

namespace Dynamo.Router.DynamoDb;

/// <summary>
/// The DynamoDB tables, kept in one key of the cluster as a mergeable document: name → entry, each entry
/// a last-writer-wins register on a hybrid logical clock, deletions kept as entries so a merge of
/// concurrent versions never brings a dropped table back. Each table's items live in an internal
/// compound table named after the generation the entry was created with.
/// </summary>
internal sealed record TableCatalog(Dictionary<string, TableCatalog.Entry> Tables)
{
    public const int FormatVersion = 1;

    public sealed record Entry(TableDescriptor? Descriptor, string Generation, long WallMs, int Logical)
    {
        public bool Deleted => Descriptor is null;

        public HlcTimestamp Timestamp => new(WallMs, Logical);

        /// <summary>The internal table holding this generation's items.</summary>
        public string ItemTable => "$ddb-" + Generation;
    }

    private sealed record Document(int Version, Dictionary<string, Entry> Tables);

    public static TableCatalog Empty => new([]);

    public TableDescriptor? Live(string name) => Tables.TryGetValue(name, out var e) && !e.Deleted ? e.Descriptor : null;

    public static TableCatalog Decode(ReadOnlySpan<byte> bytes)
    {
        var doc = JsonSerializer.Deserialize<Document>(bytes, JsonSerializerOptions.Web) ?? throw new InvalidDataException("An empty table catalog.");
        if (doc.Version != FormatVersion)
        {
            throw new InvalidDataException($"Table catalog format {doc.Version} is not {FormatVersion}.");
        }

        return new TableCatalog(new Dictionary<string, Entry>(doc.Tables, StringComparer.Ordinal));
    }

    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(new Document(FormatVersion, Tables), JsonSerializerOptions.Web);

    /// <summary>Merges concurrent versions (siblings): per name the entry with the later timestamp wins.</summary>
    public static TableCatalog Merge(IEnumerable<TableCatalog> versions)
    {
        var merged = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var version in versions)
        {
            foreach (var (name, entry) in version.Tables)
            {
                if (!merged.TryGetValue(name, out var had) || Newer(entry, had))
                {
                    merged[name] = entry;
                }
            }
        }

        return new TableCatalog(merged);
    }

    private static bool Newer(Entry a, Entry b)
    {
        int c = a.Timestamp.CompareTo(b.Timestamp);
        return c != 0 ? c > 0 : string.CompareOrdinal(a.Generation, b.Generation) > 0;
    }
}
