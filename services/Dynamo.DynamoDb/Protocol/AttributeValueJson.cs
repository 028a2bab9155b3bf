using System.Text;
using System.Text.Json;
using Dynamo.DynamoDb.Model;

namespace Dynamo.DynamoDb.Protocol;

/// <summary>Reads and writes DynamoDB's JSON representation of attribute values (<c>{"S":"x"}</c>, <c>{"N":"1"}</c>, …).</summary>
public static class AttributeValueJson
{
    private const int MaxDepth = 32;

    /// <summary>
    /// Parses and validates an attribute value. Throws <see cref="DynamoDbErrorException"/> (SerializationException for
    /// wrong JSON shapes, ValidationException for invalid values) with DynamoDB's messages.
    /// </summary>
    public static AttributeValue Parse(JsonElement element) => Parse(element, 0);

    /// <summary>Parses a map of attribute values (an item or a key).</summary>
    public static Dictionary<string, AttributeValue> ParseMap(JsonElement element)
    {
        RequestReader.ExpectObject(element);
        var map = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        foreach (var p in element.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            map[p.Name] = Parse(p.Value, 0);
        }

        return map;
    }

    private static AttributeValue Parse(JsonElement element, int depth)
    {
        if (depth > MaxDepth)
        {
            throw DynamoDbErrorException.Validation("Nesting Levels have exceeded supported limits");
        }

        RequestReader.ExpectObject(element);
        AttributeValue? result = null;
        var count = 0;
        string? error = null;
        foreach (var p in element.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            AttributeValue? v;
            switch (p.Name)
            {
                case "S":
                    v = AttributeValue.FromS(RequestReader.AsString(p.Value));
                    break;
                case "N":
                    {
                        var text = RequestReader.AsString(p.Value);
                        if (!DynamoNumber.TryParse(text, out var n, out var msg))
                        {
                            error ??= msg;
                            v = null;
                        }
                        else
                        {
                            v = AttributeValue.FromN(n);
                        }

                        break;
                    }

                case "B":
                    v = AttributeValue.FromB(RequestReader.AsBlob(p.Value));
                    break;
                case "BOOL":
                    v = AttributeValue.FromBool(RequestReader.AsBool(p.Value));
                    break;
                case "NULL":
                    if (!RequestReader.AsBool(p.Value))
                    {
                        error ??= "One or more parameter values were invalid: Null attribute value types must have the value of true";
                    }

                    v = AttributeValue.Null;
                    break;
                case "M":
                    {
                        RequestReader.ExpectMap(p.Value);
                        var map = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
                        foreach (var e in p.Value.EnumerateObject())
                        {
                            if (e.Value.ValueKind != JsonValueKind.Null)
                            {
                                map[e.Name] = Parse(e.Value, depth + 1);
                            }
                        }

                        v = AttributeValue.FromM(map);
                        break;
                    }

                case "L":
                    {
                        RequestReader.ExpectList(p.Value);
                        var list = new List<AttributeValue>(p.Value.GetArrayLength());
                        foreach (var e in p.Value.EnumerateArray())
                        {
                            list.Add(Parse(e, depth + 1));
                        }

                        v = AttributeValue.FromL(list);
                        break;
                    }

                case "SS":
                    {
                        RequestReader.ExpectList(p.Value);
                        var list = new List<string>();
                        foreach (var e in p.Value.EnumerateArray())
                        {
                            list.Add(RequestReader.AsString(e));
                        }

                        if (list.Count == 0)
                        {
                            error ??= "One or more parameter values were invalid: An string set  may not be empty";
                        }
                        else if (new HashSet<string>(list, StringComparer.Ordinal).Count != list.Count)
                        {
                            error ??= "One or more parameter values were invalid: Input collection [" + string.Join(", ", list) + "] contains duplicates.";
                        }

                        v = AttributeValue.FromSS(list);
                        break;
                    }

                case "NS":
                    {
                        RequestReader.ExpectList(p.Value);
                        var list = new List<DynamoNumber>();
                        foreach (var e in p.Value.EnumerateArray())
                        {
                            var text = RequestReader.AsString(e);
                            if (DynamoNumber.TryParse(text, out var n, out var msg))
                            {
                                list.Add(n);
                            }
                            else
                            {
                                error ??= msg;
                            }
                        }

                        if (list.Count == 0 && error is null)
                        {
                            error = "One or more parameter values were invalid: An number set  may not be empty";
                        }
                        else if (new HashSet<DynamoNumber>(list).Count != list.Count)
                        {
                            error ??= "Input collection contains duplicates";
                        }

                        v = AttributeValue.FromNS(list);
                        break;
                    }

                case "BS":
                    {
                        RequestReader.ExpectList(p.Value);
                        var list = new List<byte[]>();
                        foreach (var e in p.Value.EnumerateArray())
                        {
                            list.Add(RequestReader.AsBlob(e));
                        }

                        if (list.Count == 0)
                        {
                            error ??= "One or more parameter values were invalid: Binary sets should not be empty";
                        }
                        else if (new HashSet<byte[]>(list, ByteArrayEqualityComparer.Instance).Count != list.Count)
                        {
                            error ??= "One or more parameter values were invalid: Input collection [" +
                                string.Join(", ", list.Select(Convert.ToBase64String)) + "]of type BS contains duplicates.";
                        }

                        v = AttributeValue.FromBS(list);
                        break;
                    }

                default:
                    continue; // Unknown members are ignored, as DynamoDB does.
            }

            count++;
            result = v;
        }

        if (error is not null)
        {
            throw DynamoDbErrorException.Validation(error);
        }

        return count switch
        {
            0 => throw DynamoDbErrorException.Validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
            > 1 => throw DynamoDbErrorException.Validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"),
            _ => result!,
        };
    }

    /// <summary>Writes an attribute value.</summary>
    public static void Write(Utf8JsonWriter writer, AttributeValue value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        switch (value.Type)
        {
            case AttributeType.S: writer.WriteString("S", value.S); break;
            case AttributeType.N: writer.WriteString("N", value.N.ToString()); break;
            case AttributeType.B: writer.WriteBase64String("B", value.B); break;
            case AttributeType.BOOL: writer.WriteBoolean("BOOL", value.Bool); break;
            case AttributeType.NULL: writer.WriteBoolean("NULL", true); break;
            case AttributeType.M:
                writer.WritePropertyName("M");
                WriteMap(writer, value.M);
                break;
            case AttributeType.L:
                writer.WriteStartArray("L");
                foreach (var e in value.L)
                {
                    Write(writer, e);
                }

                writer.WriteEndArray();
                break;
            case AttributeType.SS:
                writer.WriteStartArray("SS");
                foreach (var s in value.SS)
                {
                    writer.WriteStringValue(s);
                }

                writer.WriteEndArray();
                break;
            case AttributeType.NS:
                writer.WriteStartArray("NS");
                foreach (var n in value.NS)
                {
                    writer.WriteStringValue(n.ToString());
                }

                writer.WriteEndArray();
                break;
            case AttributeType.BS:
                writer.WriteStartArray("BS");
                foreach (var b in value.BS)
                {
                    writer.WriteBase64StringValue(b);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException("Unknown attribute type.", nameof(value));
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a map of attribute values as a JSON object.</summary>
    public static void WriteMap(Utf8JsonWriter writer, IReadOnlyDictionary<string, AttributeValue> map)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(map);
        writer.WriteStartObject();
        foreach (var (k, v) in map)
        {
            writer.WritePropertyName(k);
            Write(writer, v);
        }

        writer.WriteEndObject();
    }

    /// <summary>Renders a value the way DynamoDB quotes values in messages, e.g. <c>{N:5}</c>.</summary>
    internal static string Describe(AttributeValue v)
    {
        var sb = new StringBuilder();
        sb.Append('{').Append(v.Type).Append(':');
        sb.Append(v.Type switch
        {
            AttributeType.S => v.S,
            AttributeType.N => v.N.ToString(),
            AttributeType.B => Convert.ToBase64String(v.B),
            _ => v.ToString(),
        });
        sb.Append('}');
        return sb.ToString();
    }
}
