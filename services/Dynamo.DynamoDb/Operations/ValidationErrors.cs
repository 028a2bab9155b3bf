using System.Globalization;
using System.Text.RegularExpressions;
using Dynamo.DynamoDb.Protocol;

namespace Dynamo.DynamoDb.Operations;

/// <summary>Collects constraint violations and reports them the way DynamoDB does ("N validation errors detected: …").</summary>
internal sealed partial class ValidationErrors
{
    private readonly List<string> _errors = [];

    public void Add(object? value, string member, string constraint)
    {
        if (_errors.Count >= 10)
        {
            return;
        }

        var rendered = value is null ? "null" : "'" + Convert.ToString(value, CultureInfo.InvariantCulture) + "'";
        _errors.Add($"Value {rendered} at '{member}' failed to satisfy constraint: {constraint}");
    }

    public void NotNull(object? value, string member)
    {
        if (value is null)
        {
            Add(null, member, "Member must not be null");
        }
    }

    public void TableName(string? name, string member = "tableName", bool required = true)
    {
        if (name is null)
        {
            if (required)
            {
                Add(null, member, "Member must not be null");
            }

            return;
        }

        if (!TableNamePattern().IsMatch(name))
        {
            Add(name, member, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        }

        if (name.Length < 3)
        {
            Add(name, member, "Member must have length greater than or equal to 3");
        }

        if (name.Length > 255)
        {
            Add(name, member, "Member must have length less than or equal to 255");
        }
    }

    public void Enum(string? value, string member, params string[] allowed)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            Add(value, member, "Member must satisfy enum value set: [" + string.Join(", ", allowed) + "]");
        }
    }

    public void Min(long? value, string member, long min)
    {
        if (value is { } v && v < min)
        {
            Add(v, member, "Member must have value greater than or equal to " + min.ToString(CultureInfo.InvariantCulture));
        }
    }

    public void Max(long? value, string member, long max)
    {
        if (value is { } v && v > max)
        {
            Add(v, member, "Member must have value less than or equal to " + max.ToString(CultureInfo.InvariantCulture));
        }
    }

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            var n = _errors.Count;
            throw DynamoDbErrorException.Validation(
                $"{n.ToString(CultureInfo.InvariantCulture)} validation error{(n > 1 ? "s" : string.Empty)} detected: {string.Join("; ", _errors)}");
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9_.-]+$")]
    private static partial Regex TableNamePattern();
}
