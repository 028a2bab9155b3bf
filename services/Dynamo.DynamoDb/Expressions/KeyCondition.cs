using Dynamo.DynamoDb.Model;
using Dynamo.DynamoDb.Protocol;
using Dynamo.DynamoDb.Storage;

namespace Dynamo.DynamoDb.Expressions;

/// <summary>A sort key condition: one of =, &lt;, &lt;=, &gt;, &gt;=, BETWEEN, begins_with.</summary>
internal sealed record SortKeyCondition(string Op, AttributeValue Value, AttributeValue? Upper);

/// <summary>A validated KeyConditionExpression: partition key equality plus an optional sort key condition.</summary>
internal sealed record KeyCondition(AttributeValue PartitionValue, SortKeyCondition? Sort)
{
    private const string Label = "Invalid KeyConditionExpression: ";

    /// <summary>Converts a parsed KeyConditionExpression and validates it against the table's key schema.</summary>
    public static KeyCondition From(ConditionNode node, TableDescriptor table)
    {
        var leaves = new List<ConditionNode>();
        Flatten(node, leaves);
        var conditions = new Dictionary<string, (string Op, AttributeValue Value, AttributeValue? Upper)>(StringComparer.Ordinal);
        foreach (var leaf in leaves)
        {
            var (name, op, value, upper) = Leaf(leaf);
            if (!conditions.TryAdd(name, (op, value, upper)))
            {
                throw DynamoDbErrorException.Validation("KeyConditionExpressions must only contain one condition per key");
            }
        }

        if (!conditions.TryGetValue(table.HashKey.Name, out var hash))
        {
            throw DynamoDbErrorException.Validation("Query condition missed key schema element: " + table.HashKey.Name);
        }

        if (conditions.Count > (table.RangeKey is null ? 1 : 2)
            || (conditions.Count == 2 && !conditions.ContainsKey(table.RangeKey!.Name)))
        {
            throw DynamoDbErrorException.Validation("Query key condition not supported");
        }

        if (hash.Op != "=")
        {
            throw DynamoDbErrorException.Validation("Query key condition not supported");
        }

        CheckType(hash.Value, table.HashKey);
        SortKeyCondition? sort = null;
        if (table.RangeKey is not null && conditions.TryGetValue(table.RangeKey.Name, out var range))
        {
            CheckType(range.Value, table.RangeKey);
            if (range.Upper is not null)
            {
                CheckType(range.Upper, table.RangeKey);
            }

            if (range.Op == "begins_with" && table.RangeKey.Type == ScalarAttributeType.N)
            {
                throw DynamoDbErrorException.Validation(Label + "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N");
            }

            sort = new SortKeyCondition(range.Op, range.Value, range.Upper);
        }

        return new KeyCondition(hash.Value, sort);
    }

    /// <summary>The store range for the sort condition.</summary>
    public SortKeyRange ToRange()
    {
        if (Sort is null)
        {
            return SortKeyRange.All;
        }

        var v = SortKeyCodec.Encode(Sort.Value);
        return Sort.Op switch
        {
            "=" => new SortKeyRange(v, true, v, true, null),
            "<" => new SortKeyRange(null, false, v, false, null),
            "<=" => new SortKeyRange(null, false, v, true, null),
            ">" => new SortKeyRange(v, false, null, false, null),
            ">=" => new SortKeyRange(v, true, null, false, null),
            "BETWEEN" => new SortKeyRange(v, true, SortKeyCodec.Encode(Sort.Upper!), true, null),
            "begins_with" => new SortKeyRange(null, false, null, false, v),
            _ => throw new InvalidOperationException("Unknown sort key operator."),
        };
    }

    private static void CheckType(AttributeValue value, KeyAttribute key)
    {
        if ((byte)value.Type != (byte)key.Type)
        {
            throw DynamoDbErrorException.Validation("One or more parameter values were invalid: Condition parameter type does not match schema type");
        }
    }

    private static void Flatten(ConditionNode node, List<ConditionNode> leaves)
    {
        switch (node)
        {
            case AndNode a:
                Flatten(a.Left, leaves);
                Flatten(a.Right, leaves);
                break;
            case OrNode:
                throw DynamoDbErrorException.Validation(Label + "Invalid operator used in KeyConditionExpression: OR");
            case NotNode:
                throw DynamoDbErrorException.Validation(Label + "Invalid operator used in KeyConditionExpression: NOT");
            case InNode:
                throw DynamoDbErrorException.Validation(Label + "Invalid operator used in KeyConditionExpression: IN");
            case ComparisonNode { Op: "<>" }:
                throw DynamoDbErrorException.Validation(Label + "Invalid operator used in KeyConditionExpression: <>");
            case FunctionNode f when f.Name != "begins_with":
                throw DynamoDbErrorException.Validation(Label + "Invalid operator used in KeyConditionExpression: " + f.Name);
            default:
                leaves.Add(node);
                break;
        }
    }

    private static (string Name, string Op, AttributeValue Value, AttributeValue? Upper) Leaf(ConditionNode leaf)
    {
        switch (leaf)
        {
            case ComparisonNode c:
                {
                    CheckNoFunctions(c.Left, c.Right);
                    if (c.Left is PathOperand && c.Right is PathOperand)
                    {
                        throw DynamoDbErrorException.Validation(Label + "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
                    }

                    if (c.Left is PathOperand p && c.Right is ValueOperand v)
                    {
                        return (KeyName(p), c.Op, v.Value!, null);
                    }

                    if (c.Left is ValueOperand v2 && c.Right is PathOperand p2)
                    {
                        var flipped = c.Op switch
                        {
                            "<" => ">",
                            "<=" => ">=",
                            ">" => "<",
                            ">=" => "<=",
                            _ => c.Op,
                        };
                        return (KeyName(p2), flipped, v2.Value!, null);
                    }

                    throw DynamoDbErrorException.Validation(Label + "Invalid condition in KeyConditionExpression: No key attribute specified");
                }

            case BetweenNode b:
                {
                    CheckNoFunctions(b.Value, b.Lower, b.Upper);
                    if (b.Value is not PathOperand p)
                    {
                        throw DynamoDbErrorException.Validation(Label + "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand");
                    }

                    if (b.Lower is not ValueOperand lo || b.Upper is not ValueOperand hi)
                    {
                        throw DynamoDbErrorException.Validation(Label + "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
                    }

                    return (KeyName(p), "BETWEEN", lo.Value!, hi.Value!);
                }

            case FunctionNode f:
                {
                    CheckNoFunctions([.. f.Args]);
                    if (f.Args[0] is not PathOperand p)
                    {
                        throw DynamoDbErrorException.Validation(Label + "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand");
                    }

                    if (f.Args[1] is not ValueOperand v)
                    {
                        throw DynamoDbErrorException.Validation(Label + "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
                    }

                    return (KeyName(p), "begins_with", v.Value!, null);
                }

            default:
                throw DynamoDbErrorException.Validation("Query key condition not supported");
        }
    }

    private static void CheckNoFunctions(params Operand[] operands)
    {
        if (operands.Any(o => o is FunctionOperand))
        {
            throw DynamoDbErrorException.Validation(Label + "KeyConditionExpressions cannot contain nested operations");
        }
    }

    private static string KeyName(PathOperand p) =>
        p.Path.IsTopLevel
            ? p.Path.Head
            : throw DynamoDbErrorException.Validation(Label + "KeyConditionExpressions cannot have conditions on nested attributes");
}
