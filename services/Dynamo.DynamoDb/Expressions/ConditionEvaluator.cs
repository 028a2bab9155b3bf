using Dynamo.DynamoDb.Model;

namespace Dynamo.DynamoDb.Expressions;

/// <summary>Evaluates condition/filter expressions against an item (null item = the item does not exist).</summary>
internal static class ConditionEvaluator
{
    public static bool Evaluate(ConditionNode node, IReadOnlyDictionary<string, AttributeValue>? item)
    {
        switch (node)
        {
            case AndNode a:
                return Evaluate(a.Left, item) && Evaluate(a.Right, item);
            case OrNode o:
                return Evaluate(o.Left, item) || Evaluate(o.Right, item);
            case NotNode n:
                return !Evaluate(n.Inner, item);
            case ComparisonNode c:
                {
                    var l = Resolve(c.Left, item);
                    var r = Resolve(c.Right, item);
                    return c.Op switch
                    {
                        "=" => l is not null && r is not null && l.Equals(r),
                        "<>" => !(l is not null && r is not null && l.Equals(r)),
                        _ => l is not null && r is not null && AttributeValue.CompareScalars(l, r) is { } cmp && c.Op switch
                        {
                            "<" => cmp < 0,
                            "<=" => cmp <= 0,
                            ">" => cmp > 0,
                            ">=" => cmp >= 0,
                            _ => false,
                        },
                    };
                }

            case BetweenNode b:
                {
                    var v = Resolve(b.Value, item);
                    var lo = Resolve(b.Lower, item);
                    var hi = Resolve(b.Upper, item);
                    return v is not null && lo is not null && hi is not null
                        && AttributeValue.CompareScalars(v, lo) is >= 0
                        && AttributeValue.CompareScalars(v, hi) is <= 0;
                }

            case InNode i:
                {
                    var v = Resolve(i.Value, item);
                    return v is not null && i.Candidates.Any(c => Resolve(c, item) is { } cv && cv.Equals(v));
                }

            case FunctionNode f:
                return EvaluateFunction(f, item);
            default:
                throw new InvalidOperationException("Unknown condition node.");
        }
    }

    private static bool EvaluateFunction(FunctionNode f, IReadOnlyDictionary<string, AttributeValue>? item)
    {
        switch (f.Name)
        {
            case "attribute_exists":
                return Resolve(f.Args[0], item) is not null;
            case "attribute_not_exists":
                return Resolve(f.Args[0], item) is null;
            case "attribute_type":
                {
                    var v = Resolve(f.Args[0], item);
                    var t = Resolve(f.Args[1], item);
                    return v is not null && t is { Type: AttributeType.S } && string.Equals(v.Type.ToString(), t.S, StringComparison.Ordinal);
                }

            case "begins_with":
                {
                    var v = Resolve(f.Args[0], item);
                    var p = Resolve(f.Args[1], item);
                    if (v is null || p is null || v.Type != p.Type)
                    {
                        return false;
                    }

                    return v.Type switch
                    {
                        AttributeType.S => v.S.StartsWith(p.S, StringComparison.Ordinal),
                        AttributeType.B => v.B.AsSpan().StartsWith(p.B),
                        _ => false,
                    };
                }

            case "contains":
                {
                    var v = Resolve(f.Args[0], item);
                    var x = Resolve(f.Args[1], item);
                    if (v is null || x is null)
                    {
                        return false;
                    }

                    return (v.Type, x.Type) switch
                    {
                        (AttributeType.S, AttributeType.S) => v.S.Contains(x.S, StringComparison.Ordinal),
                        (AttributeType.B, AttributeType.B) => v.B.AsSpan().IndexOf(x.B) >= 0,
                        (AttributeType.SS, AttributeType.S) => v.SS.Contains(x.S, StringComparer.Ordinal),
                        (AttributeType.NS, AttributeType.N) => v.NS.Contains(x.N),
                        (AttributeType.BS, AttributeType.B) => v.BS.Contains(x.B, ByteArrayEqualityComparer.Instance),
                        (AttributeType.L, _) => v.L.Any(e => e.Equals(x)),
                        _ => false,
                    };
                }

            default:
                throw new InvalidOperationException("Unknown function " + f.Name);
        }
    }

    /// <summary>Value of an operand in an item, or null when it does not exist.</summary>
    public static AttributeValue? Resolve(Operand operand, IReadOnlyDictionary<string, AttributeValue>? item)
    {
        switch (operand)
        {
            case PathOperand p:
                return p.Path.Resolve(item);
            case ValueOperand v:
                return v.Value;
            case FunctionOperand { Name: "size" } f:
                {
                    var v = Resolve(f.Args[0], item);
                    long? size = v?.Type switch
                    {
                        AttributeType.S => v.S.Length,
                        AttributeType.B => v.B.Length,
                        AttributeType.SS or AttributeType.NS or AttributeType.BS => v.SetCount,
                        AttributeType.L => v.L.Count,
                        AttributeType.M => v.M.Count,
                        _ => null,
                    };
                    return size is { } s ? AttributeValue.FromN(DynamoNumber.FromInt64(s)) : null;
                }

            default:
                throw new InvalidOperationException("Operand not allowed in a condition.");
        }
    }
}
