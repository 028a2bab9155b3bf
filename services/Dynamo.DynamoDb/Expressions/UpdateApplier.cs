using Dynamo.DynamoDb.Model;
using Dynamo.DynamoDb.Protocol;

namespace Dynamo.DynamoDb.Expressions;

/// <summary>
/// Applies parsed update actions to an item. All SET right-hand sides are evaluated against the item as it was
/// before the update (DynamoDB semantics); then SET, REMOVE (highest list index first), ADD and DELETE are applied.
/// Values are immutable, so changes copy the path from the root to the changed element.
/// </summary>
internal static class UpdateApplier
{
    private const string InvalidPath = "The document path provided in the update expression is invalid for update";
    private const string WrongType = "An operand in the update expression has an incorrect data type";
    private const string MissingAttribute = "The provided expression refers to an attribute that does not exist in the item";

    public static Dictionary<string, AttributeValue> Apply(IReadOnlyList<UpdateAction> actions, IReadOnlyDictionary<string, AttributeValue> original)
    {
        var setValues = actions
            .Where(a => a.Kind == UpdateActionKind.Set)
            .Select(a => (a.Path, Value: Evaluate(a.Value!, original)))
            .ToList();

        var item = new Dictionary<string, AttributeValue>(original, StringComparer.Ordinal);
        foreach (var (path, value) in setValues)
        {
            SetAt(item, path, value);
        }

        var removes = actions.Where(a => a.Kind == UpdateActionKind.Remove).Select(a => a.Path).ToList();
        removes.Sort(RemovalOrder);
        foreach (var path in removes)
        {
            RemoveAt(item, path);
        }

        foreach (var action in actions.Where(a => a.Kind == UpdateActionKind.Add))
        {
            var value = ((ValueOperand)action.Value!).Value!;
            var existing = action.Path.Resolve(item);
            AttributeValue result;
            if (existing is null)
            {
                result = value;
            }
            else if (existing.Type == AttributeType.N && value.Type == AttributeType.N)
            {
                result = AttributeValue.FromN(CheckNumber(existing.N + value.N));
            }
            else if (existing.IsSet && existing.Type == value.Type)
            {
                result = Union(existing, value);
            }
            else
            {
                throw DynamoDbErrorException.Validation(WrongType);
            }

            SetAt(item, action.Path, result);
        }

        foreach (var action in actions.Where(a => a.Kind == UpdateActionKind.Delete))
        {
            var value = ((ValueOperand)action.Value!).Value!;
            var existing = action.Path.Resolve(item);
            if (existing is null)
            {
                continue;
            }

            if (existing.Type != value.Type)
            {
                throw DynamoDbErrorException.Validation(WrongType);
            }

            var remaining = Difference(existing, value);
            if (remaining is null)
            {
                RemoveAt(item, action.Path);
            }
            else
            {
                SetAt(item, action.Path, remaining);
            }
        }

        return item;
    }

    private static DynamoNumber CheckNumber(DynamoNumber n)
    {
        var error = n.CheckLimits();
        return error is null ? n : throw DynamoDbErrorException.Validation(error);
    }

    private static AttributeValue Evaluate(Operand operand, IReadOnlyDictionary<string, AttributeValue> item)
    {
        switch (operand)
        {
            case ValueOperand v:
                return v.Value!;
            case PathOperand p:
                return p.Path.Resolve(item) ?? throw DynamoDbErrorException.Validation(MissingAttribute);
            case ArithmeticOperand a:
                {
                    var l = Evaluate(a.Left, item);
                    var r = Evaluate(a.Right, item);
                    if (l.Type != AttributeType.N || r.Type != AttributeType.N)
                    {
                        throw DynamoDbErrorException.Validation(WrongType);
                    }

                    return AttributeValue.FromN(CheckNumber(a.Op == '+' ? l.N + r.N : l.N - r.N));
                }

            case FunctionOperand { Name: "if_not_exists" } f:
                return ((PathOperand)f.Args[0]).Path.Resolve(item) ?? Evaluate(f.Args[1], item);
            case FunctionOperand { Name: "list_append" } f:
                {
                    var l = Evaluate(f.Args[0], item);
                    var r = Evaluate(f.Args[1], item);
                    if (l.Type != AttributeType.L || r.Type != AttributeType.L)
                    {
                        throw DynamoDbErrorException.Validation(WrongType);
                    }

                    return AttributeValue.FromL([.. l.L, .. r.L]);
                }

            default:
                throw new InvalidOperationException("Unsupported update operand.");
        }
    }

    private static AttributeValue Union(AttributeValue a, AttributeValue b) => a.Type switch
    {
        AttributeType.SS => AttributeValue.FromSS(a.SS.Concat(b.SS).Distinct(StringComparer.Ordinal).ToList()),
        AttributeType.NS => AttributeValue.FromNS(a.NS.Concat(b.NS).Distinct().ToList()),
        _ => AttributeValue.FromBS(a.BS.Concat(b.BS).Distinct(ByteArrayEqualityComparer.Instance).ToList()),
    };

    private static AttributeValue? Difference(AttributeValue a, AttributeValue b)
    {
        switch (a.Type)
        {
            case AttributeType.SS:
                {
                    var remove = new HashSet<string>(b.SS, StringComparer.Ordinal);
                    var left = a.SS.Where(s => !remove.Contains(s)).ToList();
                    return left.Count == 0 ? null : AttributeValue.FromSS(left);
                }

            case AttributeType.NS:
                {
                    var remove = new HashSet<DynamoNumber>(b.NS);
                    var left = a.NS.Where(n => !remove.Contains(n)).ToList();
                    return left.Count == 0 ? null : AttributeValue.FromNS(left);
                }

            case AttributeType.BS:
                {
                    var remove = new HashSet<byte[]>(b.BS, ByteArrayEqualityComparer.Instance);
                    var left = a.BS.Where(x => !remove.Contains(x)).ToList();
                    return left.Count == 0 ? null : AttributeValue.FromBS(left);
                }

            default:
                throw DynamoDbErrorException.Validation(WrongType);
        }
    }

    private static void SetAt(Dictionary<string, AttributeValue> item, DocumentPath path, AttributeValue value)
    {
        if (path.IsTopLevel)
        {
            item[path.Head] = value;
            return;
        }

        if (!item.TryGetValue(path.Head, out var container))
        {
            throw DynamoDbErrorException.Validation(InvalidPath);
        }

        item[path.Head] = SetIn(container, path.Elements, 1, value);
    }

    private static AttributeValue SetIn(AttributeValue container, IReadOnlyList<PathElement> elements, int index, AttributeValue value)
    {
        var e = elements[index];
        var last = index == elements.Count - 1;
        if (e.IsIndex)
        {
            if (container.Type != AttributeType.L)
            {
                throw DynamoDbErrorException.Validation(InvalidPath);
            }

            var list = container.L.ToList();
            if (last)
            {
                if (e.Index >= list.Count)
                {
                    list.Add(value);
                }
                else
                {
                    list[e.Index] = value;
                }
            }
            else
            {
                if (e.Index >= list.Count)
                {
                    throw DynamoDbErrorException.Validation(InvalidPath);
                }

                list[e.Index] = SetIn(list[e.Index], elements, index + 1, value);
            }

            return AttributeValue.FromL(list);
        }

        if (container.Type != AttributeType.M)
        {
            throw DynamoDbErrorException.Validation(InvalidPath);
        }

        var map = new Dictionary<string, AttributeValue>(container.M, StringComparer.Ordinal);
        if (last)
        {
            map[e.Name!] = value;
        }
        else
        {
            if (!map.TryGetValue(e.Name!, out var child))
            {
                throw DynamoDbErrorException.Validation(InvalidPath);
            }

            map[e.Name!] = SetIn(child, elements, index + 1, value);
        }

        return AttributeValue.FromM(map);
    }

    private static void RemoveAt(Dictionary<string, AttributeValue> item, DocumentPath path)
    {
        if (path.IsTopLevel)
        {
            item.Remove(path.Head);
            return;
        }

        if (item.TryGetValue(path.Head, out var container) && RemoveIn(container, path.Elements, 1) is { } updated)
        {
            item[path.Head] = updated;
        }
    }

    /// <summary>Returns the container with the element removed, or null if nothing changed.</summary>
    private static AttributeValue? RemoveIn(AttributeValue container, IReadOnlyList<PathElement> elements, int index)
    {
        var e = elements[index];
        var last = index == elements.Count - 1;
        if (e.IsIndex)
        {
            if (container.Type != AttributeType.L || e.Index >= container.L.Count)
            {
                return null;
            }

            var list = container.L.ToList();
            if (last)
            {
                list.RemoveAt(e.Index);
            }
            else
            {
                var child = RemoveIn(list[e.Index], elements, index + 1);
                if (child is null)
                {
                    return null;
                }

                list[e.Index] = child;
            }

            return AttributeValue.FromL(list);
        }

        if (container.Type != AttributeType.M || !container.M.TryGetValue(e.Name!, out var current))
        {
            return null;
        }

        var map = new Dictionary<string, AttributeValue>(container.M, StringComparer.Ordinal);
        if (last)
        {
            map.Remove(e.Name!);
        }
        else
        {
            var child = RemoveIn(current, elements, index + 1);
            if (child is null)
            {
                return null;
            }

            map[e.Name!] = child;
        }

        return AttributeValue.FromM(map);
    }

    /// <summary>Orders removals so that, within a list, higher indexes are removed first (indexes refer to the original list).</summary>
    private static int RemovalOrder(DocumentPath a, DocumentPath b)
    {
        var n = Math.Min(a.Elements.Count, b.Elements.Count);
        for (var i = 0; i < n; i++)
        {
            var ea = a.Elements[i];
            var eb = b.Elements[i];
            if (ea.IsIndex && eb.IsIndex)
            {
                if (ea.Index != eb.Index)
                {
                    return eb.Index.CompareTo(ea.Index);
                }
            }
            else if (ea.IsIndex != eb.IsIndex)
            {
                return ea.IsIndex ? 1 : -1;
            }
            else if (!string.Equals(ea.Name, eb.Name, StringComparison.Ordinal))
            {
                return string.CompareOrdinal(ea.Name, eb.Name);
            }
        }

        return a.Elements.Count.CompareTo(b.Elements.Count);
    }
}
