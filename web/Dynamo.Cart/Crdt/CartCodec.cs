using System.Text.Json;

namespace Dynamo.Cart.Crdt;

/// <summary>
/// The stored form of a cart: versioned JSON, readable in the transparency panel and with curl.
/// <code>{"v":1,"entries":[{"tag":"…","sku":"apple","qty":2}],"removed":["…"]}</code>
/// Entries and tombstones are written in tag order, so equal states encode to equal bytes.
/// </summary>
public static class CartCodec
{
    public const string ContentType = "application/vnd.dynamo-cart+json";
    public const int Version = 1;

    // Far above what a person can click, far below the cluster's 1 MiB value limit.
    private const int MaxEntries = 10_000;
    private const int MaxTombstones = 30_000;
    private const int MaxTextLength = 64;

    public static byte[] Encode(CartState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("v", Version);
            w.WriteStartArray("entries");
            foreach (var e in state.Entries)
            {
                w.WriteStartObject();
                w.WriteString("tag", e.Tag);
                w.WriteString("sku", e.Sku);
                w.WriteNumber("qty", e.Quantity);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("removed");
            foreach (var t in state.RemovedTags)
            {
                w.WriteStringValue(t);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Decodes a stored cart; anything that is not a version-1 cart document is a <see cref="CartFormatException"/>.</summary>
    public static CartState Decode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 4 });
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("v", out var v) || v.ValueKind != JsonValueKind.Number || v.GetInt32() != Version)
            {
                throw new CartFormatException($"Not a version-{Version} cart document.");
            }

            var entries = new List<CartEntry>();
            foreach (var e in Array(root, "entries", MaxEntries))
            {
                entries.Add(new CartEntry(Text(e, "tag"), Text(e, "sku"), e.TryGetProperty("qty", out var q) && q.TryGetInt32(out int qty) ? qty : 0));
            }

            var removed = new List<string>();
            foreach (var t in Array(root, "removed", MaxTombstones))
            {
                removed.Add(t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 and <= MaxTextLength } s ? s : throw new CartFormatException("A tombstone must be a non-empty tag."));
            }

            return CartState.Create(entries, removed);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new CartFormatException("Not a cart document: " + ex.Message, ex);
        }
    }

    /// <summary>Decodes, or null for a value that is not a cart (reported, never fatal).</summary>
    public static CartState? TryDecode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Decode(bytes);
        }
        catch (CartFormatException)
        {
            return null;
        }
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement root, string name, int max)
    {
        if (!root.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new CartFormatException($"The cart document has no \"{name}\" array.");
        }

        return array.GetArrayLength() <= max ? array.EnumerateArray() : throw new CartFormatException($"More than {max} {name}.");
    }

    private static string Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String && p.GetString() is { Length: > 0 and <= MaxTextLength } s
            ? s
            : throw new CartFormatException($"An entry needs a \"{name}\" of 1..{MaxTextLength} characters.");
}
