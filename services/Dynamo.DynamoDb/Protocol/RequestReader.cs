using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Dynamo.DynamoDb.Protocol;

/// <summary>
/// Typed access to a request's JSON members with DynamoDB's SerializationException messages for wrong JSON types.
/// JSON null is treated as absent.
/// </summary>
internal readonly struct RequestReader
{
    private readonly JsonElement _root;

    public RequestReader(JsonElement root)
    {
        ExpectObject(root);
        _root = root;
    }

    public JsonElement Root => _root;

    public bool Has(string name) => _root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public JsonElement? Get(string name) =>
        _root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public string? String(string name) => Get(name) is { } v ? AsString(v) : null;

    public long? Long(string name, string typeName = "Long") => Get(name) is { } v ? AsLong(v, typeName) : null;

    public int? Int(string name)
    {
        var v = Long(name, "Integer");
        return v is null ? null : (int)Math.Clamp(v.Value, int.MinValue, int.MaxValue);
    }

    public bool? Bool(string name) => Get(name) is { } v ? AsBool(v) : null;

    public JsonElement? Map(string name)
    {
        var v = Get(name);
        if (v is { } e)
        {
            ExpectMap(e);
        }

        return v;
    }

    public JsonElement? Structure(string name)
    {
        var v = Get(name);
        if (v is { } e)
        {
            ExpectObject(e);
        }

        return v;
    }

    public JsonElement? List(string name)
    {
        var v = Get(name);
        if (v is { } e)
        {
            ExpectList(e);
        }

        return v;
    }

    public Dictionary<string, string>? StringMap(string name)
    {
        if (Map(name) is not { } e)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Null)
            {
                result[p.Name] = AsString(p.Value);
            }
        }

        return result;
    }

    public static void ExpectObject(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                return;
            case JsonValueKind.Array:
                throw DynamoDbErrorException.Serialization("Start of list found where not expected");
            default:
                throw DynamoDbErrorException.Serialization("Expected null");
        }
    }

    public static void ExpectMap(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                return;
            case JsonValueKind.Array:
                throw DynamoDbErrorException.Serialization("Start of list found where not expected");
            default:
                throw DynamoDbErrorException.Serialization("Expected map or null");
        }
    }

    public static void ExpectList(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Array:
                return;
            case JsonValueKind.Object:
                throw DynamoDbErrorException.Serialization("Start of structure or map found where not expected.");
            default:
                throw DynamoDbErrorException.Serialization("Expected list or null");
        }
    }

    public static string AsString(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                var s = e.GetString()!;
                if (!IsWellFormedUtf16(s))
                {
                    throw DynamoDbErrorException.Serialization("Invalid UTF-8 or UTF-16 sequence in string");
                }

                return s;
            case JsonValueKind.Number:
                throw DynamoDbErrorException.Serialization("class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String");
            case JsonValueKind.True:
            case JsonValueKind.False:
                throw DynamoDbErrorException.Serialization("class java.lang.Boolean can not be converted to an String");
            case JsonValueKind.Array:
                throw DynamoDbErrorException.Serialization("Start of list found where not expected");
            default:
                throw DynamoDbErrorException.Serialization("Start of structure or map found where not expected.");
        }
    }

    public static bool AsBool(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number:
                throw DynamoDbErrorException.Serialization("class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Boolean");
            case JsonValueKind.String:
                var s = e.GetString()!.ToUpperInvariant();
                return s switch
                {
                    "TRUE" or "1" or "YES" => true,
                    "FALSE" or "0" or "NO" => false,
                    _ => throw DynamoDbErrorException.Serialization($"'{s}' can not be converted to an Boolean"),
                };
            case JsonValueKind.Array:
                throw DynamoDbErrorException.Serialization("Start of list found where not expected");
            default:
                throw DynamoDbErrorException.Serialization("Start of structure or map found where not expected.");
        }
    }

    public static long AsLong(JsonElement e, string typeName)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Number:
                if (e.TryGetInt64(out var l))
                {
                    return l;
                }

                var d = e.GetDouble();
                return double.IsNaN(d) ? 0 : (long)Math.Clamp(Math.Floor(d), long.MinValue, long.MaxValue);
            case JsonValueKind.String:
                throw DynamoDbErrorException.Serialization("class java.lang.String can not be converted to an " + typeName);
            case JsonValueKind.True:
            case JsonValueKind.False:
                throw DynamoDbErrorException.Serialization("class java.lang.Boolean can not be converted to an " + typeName);
            case JsonValueKind.Array:
                throw DynamoDbErrorException.Serialization("Start of list found where not expected");
            default:
                throw DynamoDbErrorException.Serialization("Start of structure or map found where not expected.");
        }
    }

    public static byte[] AsBlob(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                var s = e.GetString()!;
                if (s.Length % 4 != 0)
                {
                    throw DynamoDbErrorException.Serialization(
                        $"'{s}' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: {s.Length.ToString(CultureInfo.InvariantCulture)}");
                }

                var buffer = new byte[(s.Length / 4) * 3];
                if (!Convert.TryFromBase64String(s, buffer, out var written))
                {
                    throw DynamoDbErrorException.Serialization($"'{s}' can not be converted to a Blob: Invalid Base64 character");
                }

                return buffer.AsSpan(0, written).ToArray();
            case JsonValueKind.Number:
                throw DynamoDbErrorException.Serialization("class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to a Blob");
            case JsonValueKind.True:
            case JsonValueKind.False:
                throw DynamoDbErrorException.Serialization("class java.lang.Boolean can not be converted to a Blob");
            case JsonValueKind.Array:
                throw DynamoDbErrorException.Serialization("Start of list found where not expected");
            default:
                throw DynamoDbErrorException.Serialization("Start of structure or map found where not expected.");
        }
    }

    private static bool IsWellFormedUtf16(string s)
    {
        foreach (var c in s)
        {
            if (char.IsSurrogate(c))
            {
                // Slow path only for strings containing surrogates.
                return AllRunesValid(s);
            }
        }

        return true;
    }

    private static bool AllRunesValid(string s)
    {
        var span = s.AsSpan();
        while (!span.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(span, out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }

            span = span[consumed..];
        }

        return true;
    }
}
