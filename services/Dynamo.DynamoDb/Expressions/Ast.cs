using System.Globalization;
using System.Text;
using Dynamo.DynamoDb.Model;

namespace Dynamo.DynamoDb.Expressions;

/// <summary>One step of a document path: a map key (<see cref="Name"/>) or a list index.</summary>
internal readonly record struct PathElement(string? Name, int Index)
{
    public bool IsIndex => Name is null;

    public static PathElement Key(string name) => new(name, -1);

    public static PathElement At(int index) => new(null, index);
}

/// <summary>A resolved document path such as <c>a.b[2].c</c> (placeholders already substituted).</summary>
internal sealed class DocumentPath : IEquatable<DocumentPath>
{
    public DocumentPath(IReadOnlyList<PathElement> elements)
    {
        Elements = elements;
    }

    public IReadOnlyList<PathElement> Elements { get; }

    public string Head => Elements[0].Name!;

    public bool IsTopLevel => Elements.Count == 1;

    /// <summary>DynamoDB's rendering in messages: <c>[a, b, [2]]</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < Elements.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            var e = Elements[i];
            sb.Append(e.IsIndex ? "[" + e.Index.ToString(CultureInfo.InvariantCulture) + "]" : e.Name);
        }

        return sb.Append(']').ToString();
    }

    public bool Equals(DocumentPath? other) => other is not null && Elements.SequenceEqual(other.Elements);

    public override bool Equals(object? obj) => Equals(obj as DocumentPath);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var e in Elements)
        {
            h.Add(e);
        }

        return h.ToHashCode();
    }

    /// <summary>Resolves the path in an item; null when any step is missing or of the wrong type.</summary>
    public AttributeValue? Resolve(IReadOnlyDictionary<string, AttributeValue>? item)
    {
        if (item is null || !item.TryGetValue(Head, out var current))
        {
            return null;
        }

        for (var i = 1; i < Elements.Count; i++)
        {
            var e = Elements[i];
            if (e.IsIndex)
            {
                if (current.Type != AttributeType.L || e.Index >= current.L.Count)
                {
                    return null;
                }

                current = current.L[e.Index];
            }
            else
            {
                if (current.Type != AttributeType.M || !current.M.TryGetValue(e.Name!, out var next))
                {
                    return null;
                }

                current = next;
            }
        }

        return current;
    }
}

/// <summary>An operand of a condition or update value.</summary>
internal abstract class Operand;

internal sealed class PathOperand(DocumentPath path) : Operand
{
    public DocumentPath Path { get; } = path;
}

internal sealed class ValueOperand(string placeholder, AttributeValue? value) : Operand
{
    public string Placeholder { get; } = placeholder;

    /// <summary>Null only while an "undefined placeholder" error is pending.</summary>
    public AttributeValue? Value { get; } = value;
}

/// <summary>A function call: size (conditions), if_not_exists / list_append (updates), or a condition function before classification.</summary>
internal sealed class FunctionOperand(string name, IReadOnlyList<Operand> args) : Operand
{
    public string Name { get; } = name;

    public IReadOnlyList<Operand> Args { get; } = args;
}

/// <summary><c>a + b</c> or <c>a - b</c> in a SET action.</summary>
internal sealed class ArithmeticOperand(char op, Operand left, Operand right) : Operand
{
    public char Op { get; } = op;

    public Operand Left { get; } = left;

    public Operand Right { get; } = right;
}

/// <summary>A boolean condition.</summary>
internal abstract class ConditionNode;

internal sealed class ComparisonNode(string op, Operand left, Operand right) : ConditionNode
{
    public string Op { get; } = op;

    public Operand Left { get; } = left;

    public Operand Right { get; } = right;
}

internal sealed class BetweenNode(Operand value, Operand lower, Operand upper) : ConditionNode
{
    public Operand Value { get; } = value;

    public Operand Lower { get; } = lower;

    public Operand Upper { get; } = upper;
}

internal sealed class InNode(Operand value, IReadOnlyList<Operand> candidates) : ConditionNode
{
    public Operand Value { get; } = value;

    public IReadOnlyList<Operand> Candidates { get; } = candidates;
}

internal sealed class FunctionNode(string name, IReadOnlyList<Operand> args) : ConditionNode
{
    public string Name { get; } = name;

    public IReadOnlyList<Operand> Args { get; } = args;
}

internal sealed class AndNode(ConditionNode left, ConditionNode right) : ConditionNode
{
    public ConditionNode Left { get; } = left;

    public ConditionNode Right { get; } = right;
}

internal sealed class OrNode(ConditionNode left, ConditionNode right) : ConditionNode
{
    public ConditionNode Left { get; } = left;

    public ConditionNode Right { get; } = right;
}

internal sealed class NotNode(ConditionNode inner) : ConditionNode
{
    public ConditionNode Inner { get; } = inner;
}

internal enum UpdateActionKind
{
    Set,
    Remove,
    Add,
    Delete,
}

internal sealed record UpdateAction(UpdateActionKind Kind, DocumentPath Path, Operand? Value);
