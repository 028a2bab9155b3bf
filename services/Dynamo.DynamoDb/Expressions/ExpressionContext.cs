using System.Text.Json;
using System.Text.RegularExpressions;
using Dynamo.DynamoDb.Model;
using Dynamo.DynamoDb.Protocol;

namespace Dynamo.DynamoDb.Expressions;

/// <summary>
/// ExpressionAttributeNames / ExpressionAttributeValues of one request, with tracking of which placeholders the
/// request's expressions used (DynamoDB rejects unused and undefined ones).
/// </summary>
internal sealed partial class ExpressionContext
{
    private readonly Dictionary<string, string>? _names;
    private readonly Dictionary<string, AttributeValue>? _values;
    private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedValues = new(StringComparer.Ordinal);

    public ExpressionContext(Dictionary<string, string>? names, Dictionary<string, AttributeValue>? values)
    {
        _names = names;
        _values = values;
    }

    public bool HasNames => _names is not null;

    public bool HasValues => _values is not null;

    /// <summary>
    /// Reads and validates ExpressionAttributeNames / ExpressionAttributeValues of a request, including the
    /// "can only be specified when using expressions" rules.
    /// </summary>
    /// <param name="reader">The request.</param>
    /// <param name="valueExpressions">Names of this operation's expressions that may use values (all but ProjectionExpression).</param>
    /// <param name="allExpressions">Names of all this operation's expressions.</param>
    public static ExpressionContext FromRequest(RequestReader reader, string[] valueExpressions, string[] allExpressions)
    {
        var names = reader.StringMap("ExpressionAttributeNames");
        Dictionary<string, AttributeValue>? values = null;
        // Operations without value-taking expressions (GetItem, BatchGetItem) have no ExpressionAttributeValues parameter: ignore it.
        if (valueExpressions.Length > 0 && reader.Map("ExpressionAttributeValues") is { } valuesElement)
        {
            values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
            foreach (var p in valuesElement.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                try
                {
                    values[p.Name] = AttributeValueJson.Parse(p.Value);
                }
                catch (DynamoDbErrorException e) when (e.ErrorType == DynamoDbErrorTypes.Validation)
                {
                    if (!ValueKeyPattern().IsMatch(p.Name))
                    {
                        throw DynamoDbErrorException.Validation($"ExpressionAttributeValues contains invalid key: Syntax error; key: \"{p.Name}\"");
                    }

                    throw DynamoDbErrorException.Validation($"ExpressionAttributeValues contains invalid value: {e.Message} for key {p.Name}");
                }
            }
        }

        var r = reader;
        var usesExpressions = allExpressions.Any(r.Has);
        if (names is not null && !usesExpressions)
        {
            throw DynamoDbErrorException.Validation("ExpressionAttributeNames can only be specified when using expressions");
        }

        if (values is not null && !valueExpressions.Any(r.Has))
        {
            throw DynamoDbErrorException.Validation(
                "ExpressionAttributeValues can only be specified when using expressions: " + string.Join(" and ", valueExpressions) +
                (valueExpressions.Length > 1 ? " are null" : " is null"));
        }

        if (names is not null)
        {
            if (names.Count == 0)
            {
                throw DynamoDbErrorException.Validation("ExpressionAttributeNames must not be empty");
            }

            foreach (var key in names.Keys)
            {
                if (!NameKeyPattern().IsMatch(key))
                {
                    throw DynamoDbErrorException.Validation($"ExpressionAttributeNames contains invalid key: Syntax error; key: \"{key}\"");
                }
            }
        }

        if (values is not null)
        {
            if (values.Count == 0)
            {
                throw DynamoDbErrorException.Validation("ExpressionAttributeValues must not be empty");
            }

            foreach (var key in values.Keys)
            {
                if (!ValueKeyPattern().IsMatch(key))
                {
                    throw DynamoDbErrorException.Validation($"ExpressionAttributeValues contains invalid key: Syntax error; key: \"{key}\"");
                }
            }
        }

        return new ExpressionContext(names, values);
    }

    public string? ResolveName(string placeholder)
    {
        if (_names is not null && _names.TryGetValue(placeholder, out var name))
        {
            _usedNames.Add(placeholder);
            return name;
        }

        return null;
    }

    public AttributeValue? ResolveValue(string placeholder)
    {
        if (_values is not null && _values.TryGetValue(placeholder, out var value))
        {
            _usedValues.Add(placeholder);
            return value;
        }

        return null;
    }

    /// <summary>Throws if a defined placeholder was not used by any expression.</summary>
    public void CheckAllUsed()
    {
        if (_names is not null)
        {
            var unused = _names.Keys.Where(k => !_usedNames.Contains(k)).ToList();
            if (unused.Count > 0)
            {
                throw DynamoDbErrorException.Validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {" + string.Join(", ", unused) + "}");
            }
        }

        if (_values is not null)
        {
            var unused = _values.Keys.Where(k => !_usedValues.Contains(k)).ToList();
            if (unused.Count > 0)
            {
                throw DynamoDbErrorException.Validation("Value provided in ExpressionAttributeValues unused in expressions: keys: {" + string.Join(", ", unused) + "}");
            }
        }
    }

    [GeneratedRegex("^#[0-9a-zA-Z_]+$")]
    private static partial Regex NameKeyPattern();

    [GeneratedRegex("^:[0-9a-zA-Z_]+$")]
    private static partial Regex ValueKeyPattern();
}
