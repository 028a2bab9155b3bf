using System.Globalization;
using Dynamo.DynamoDb.Model;
using Dynamo.DynamoDb.Protocol;

namespace Dynamo.DynamoDb.Expressions;

/// <summary>
/// Recursive-descent parser for DynamoDB condition, key condition, filter, projection and update expressions.
/// Syntax errors are reported at once; semantic errors (reserved words, undefined placeholders, misuse of
/// functions, operand types, overlapping paths) are collected and the most important one is reported after a
/// successful parse, similar to DynamoDB's ordering.
/// </summary>
internal sealed class ExpressionParser
{
    private const int PriorityReserved = 1;
    private const int PriorityUnknownFunction = 2;
    private const int PriorityMisusedFunction = 3;
    private const int PrioritySection = 4;
    private const int PriorityUndefined = 5;
    private const int PriorityPathOverlap = 6;
    private const int PriorityOperandCount = 7;
    private const int PriorityDistinct = 8;
    private const int PriorityFunctionType = 9;

    /// <summary>DynamoDB's limit on any expression string (4 KB).</summary>
    private const int MaxExpressionBytes = 4096;

    /// <summary>Maximum nesting of parentheses, NOT and function calls (keeps recursion bounded).</summary>
    private const int MaxDepth = 100;

    private static readonly HashSet<string> ConditionFunctions = new(StringComparer.Ordinal)
    {
        "attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains",
    };

    private static readonly string[] AttributeTypeNames = ["S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"];

    private readonly string _text;
    private readonly string _label;
    private readonly ExpressionContext _context;
    private readonly List<Token> _tokens;
    private readonly List<(int Priority, string Message)> _deferred = [];
    private readonly bool _update;
    private readonly HashSet<int> _notAConditionGroup = [];
    private int _pos;
    private int _depth;

    private ExpressionParser(string text, string label, ExpressionContext context, bool update)
    {
        _text = text;
        _label = label;
        _context = context;
        _update = update;
        _tokens = Tokenize(text);
    }

    private enum TokenKind
    {
        Identifier,
        Name,
        Value,
        Number,
        LParen,
        RParen,
        LBracket,
        RBracket,
        Dot,
        Comma,
        Comparator,
        Plus,
        Minus,
        End,
    }

    /// <summary>Parses a ConditionExpression / FilterExpression / KeyConditionExpression.</summary>
    public static ConditionNode ParseCondition(string text, string label, ExpressionContext context)
    {
        var p = new ExpressionParser(CheckNotEmpty(text, label), label, context, update: false);
        return Run(() =>
        {
            var node = p.ParseOr();
            p.ExpectEnd();
            p.ThrowDeferred();
            return node;
        });
    }

    /// <summary>Parses a ProjectionExpression.</summary>
    public static IReadOnlyList<DocumentPath> ParseProjection(string text, ExpressionContext context)
    {
        const string label = "ProjectionExpression";
        var p = new ExpressionParser(CheckNotEmpty(text, label), label, context, update: false);
        return Run<IReadOnlyList<DocumentPath>>(() =>
        {
            var paths = new List<DocumentPath> { p.ParsePath() };
            while (p.Peek.Kind == TokenKind.Comma)
            {
                p._pos++;
                paths.Add(p.ParsePath());
            }

            p.ExpectEnd();
            p.CheckOverlaps(paths);
            p.ThrowDeferred();
            return paths;
        });
    }

    /// <summary>Parses an UpdateExpression.</summary>
    public static IReadOnlyList<UpdateAction> ParseUpdate(string text, ExpressionContext context)
    {
        const string label = "UpdateExpression";
        var p = new ExpressionParser(CheckNotEmpty(text, label), label, context, update: true);
        return Run<IReadOnlyList<UpdateAction>>(() =>
        {
            var actions = p.ParseUpdateSections();
            p.ThrowDeferred();
            return actions;
        });
    }

    private static string CheckNotEmpty(string text, string label)
    {
        if (string.IsNullOrEmpty(text))
        {
            throw DynamoDbErrorException.Validation($"Invalid {label}: The expression can not be empty;");
        }

        var size = System.Text.Encoding.UTF8.GetByteCount(text);
        if (size > MaxExpressionBytes)
        {
            throw DynamoDbErrorException.Validation(
                $"Invalid {label}: Expression size has exceeded the maximum allowed size; expression size: {size.ToString(CultureInfo.InvariantCulture)}");
        }

        return text;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw DynamoDbErrorException.Validation($"Invalid {_label}: The expression is nested too deeply; maximum depth: {MaxDepth.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private Token Peek => _tokens[_pos];

    private Token PeekAt(int offset) => _tokens[Math.Min(_pos + offset, _tokens.Count - 1)];

    // ---------------------------------------------------------------- conditions

    private ConditionNode ParseOr()
    {
        var left = ParseAnd();
        while (IsKeyword(Peek, "OR"))
        {
            _pos++;
            left = new OrNode(left, ParseAnd());
        }

        return left;
    }

    private ConditionNode ParseAnd()
    {
        var left = ParseNot();
        while (IsKeyword(Peek, "AND"))
        {
            _pos++;
            left = new AndNode(left, ParseNot());
        }

        return left;
    }

    private ConditionNode ParseNot()
    {
        if (IsKeyword(Peek, "NOT"))
        {
            _pos++;
            Enter();
            var inner = ParseNot();
            _depth--;
            return new NotNode(inner);
        }

        return ParsePrimaryCondition();
    }

    private ConditionNode ParsePrimaryCondition()
    {
        if (Peek.Kind == TokenKind.LParen && !_notAConditionGroup.Contains(_pos))
        {
            // Either a parenthesized condition or a comparison whose first operand is parenthesized. Positions where
            // the condition reading failed are remembered, so nested parentheses are never re-tried (no exponential backtracking).
            var start = _pos;
            var depth = _depth;
            var deferredCount = _deferred.Count;
            try
            {
                _pos++;
                Enter();
                var inner = ParseOr();
                Expect(TokenKind.RParen);
                _depth--;
                if (!StartsComparisonTail(Peek))
                {
                    return inner;
                }
            }
            catch (ExpressionSyntaxException)
            {
                // Fall through and retry as an operand.
            }

            _notAConditionGroup.Add(start);
            _pos = start;
            _depth = depth;
            _deferred.RemoveRange(deferredCount, _deferred.Count - deferredCount);
        }

        var left = ParseOperand();
        var token = Peek;
        if (token.Kind == TokenKind.Comparator)
        {
            _pos++;
            var right = ParseOperand();
            CheckOperandUsage(left);
            CheckOperandUsage(right);
            CheckDistinct(token.Text, left, right);
            return new ComparisonNode(token.Text, left, right);
        }

        if (IsKeyword(token, "BETWEEN"))
        {
            _pos++;
            var lower = ParseOperand();
            if (!IsKeyword(Peek, "AND"))
            {
                throw SyntaxError(Peek);
            }

            _pos++;
            var upper = ParseOperand();
            CheckOperandUsage(left);
            CheckOperandUsage(lower);
            CheckOperandUsage(upper);
            CheckBetweenBounds(lower, upper);
            return new BetweenNode(left, lower, upper);
        }

        if (IsKeyword(token, "IN"))
        {
            _pos++;
            Expect(TokenKind.LParen);
            var candidates = new List<Operand> { ParseOperand() };
            while (Peek.Kind == TokenKind.Comma)
            {
                _pos++;
                candidates.Add(ParseOperand());
            }

            Expect(TokenKind.RParen);
            CheckOperandUsage(left);
            foreach (var c in candidates)
            {
                CheckOperandUsage(c);
            }

            if (candidates.Count > 100)
            {
                Defer(PriorityOperandCount, "The IN operator is provided with too many operands; number of operands: " + candidates.Count.ToString(CultureInfo.InvariantCulture));
            }

            return new InNode(left, candidates);
        }

        if (left is FunctionOperand f)
        {
            if (f.Name == "size")
            {
                Defer(PriorityMisusedFunction, "The function is not allowed to be used this way in an expression; function: size");
            }

            return new FunctionNode(f.Name, f.Args);
        }

        throw SyntaxError(token);
    }

    private static bool StartsComparisonTail(Token t) =>
        t.Kind == TokenKind.Comparator || IsKeyword(t, "BETWEEN") || IsKeyword(t, "IN");

    private void CheckOperandUsage(Operand operand)
    {
        if (operand is FunctionOperand f && f.Name != "size")
        {
            Defer(PriorityMisusedFunction, "The function is not allowed to be used this way in an expression; function: " + f.Name);
        }
    }

    private void CheckDistinct(string op, Operand left, Operand right)
    {
        if (left is PathOperand a && right is PathOperand b && a.Path.Equals(b.Path))
        {
            Defer(PriorityDistinct, $"The first operand must be distinct from the remaining operands for this operator or function; operator: {op}, first operand: {a.Path}");
        }
    }

    private void CheckBetweenBounds(Operand lower, Operand upper)
    {
        if (lower is not ValueOperand { Value: { } lo } || upper is not ValueOperand { Value: { } hi })
        {
            return;
        }

        if (lo.Type != hi.Type)
        {
            Defer(PriorityFunctionType, "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: " +
                AttributeValueJson.Describe(lo) + ", upper bound operand: AttributeValue: " + AttributeValueJson.Describe(hi));
        }
        else if (AttributeValue.CompareScalars(lo, hi) is > 0)
        {
            Defer(PriorityFunctionType, "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: " +
                AttributeValueJson.Describe(lo) + ", upper bound operand: AttributeValue: " + AttributeValueJson.Describe(hi));
        }
    }

    // ---------------------------------------------------------------- operands

    private Operand ParseOperand()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case TokenKind.LParen:
                {
                    _pos++;
                    Enter();
                    var inner = _update ? ParseSetValue() : ParseOperand();
                    Expect(TokenKind.RParen);
                    _depth--;
                    return inner;
                }

            case TokenKind.Value:
                _pos++;
                return ResolveValue(t);
            case TokenKind.Identifier when PeekAt(1).Kind == TokenKind.LParen && !IsAnyKeyword(t):
                return ParseFunction();
            case TokenKind.Identifier or TokenKind.Name:
                return new PathOperand(ParsePath());
            default:
                throw SyntaxError(t);
        }
    }

    private ValueOperand ResolveValue(Token t)
    {
        var value = _context.ResolveValue(t.Text);
        if (value is null)
        {
            Defer(PriorityUndefined, "An expression attribute value used in expression is not defined; attribute value: " + t.Text);
        }

        return new ValueOperand(t.Text, value);
    }

    private FunctionOperand ParseFunction()
    {
        var name = Peek.Text;
        _pos += 2; // name and '('
        Enter();
        var args = new List<Operand> { ParseOperand() };
        while (Peek.Kind == TokenKind.Comma)
        {
            _pos++;
            args.Add(ParseOperand());
        }

        Expect(TokenKind.RParen);
        _depth--;
        CheckFunction(name, args);
        return new FunctionOperand(name, args);
    }

    private void CheckFunction(string name, List<Operand> args)
    {
        int expected;
        if (_update)
        {
            expected = name switch
            {
                "if_not_exists" => 2,
                "list_append" => 2,
                _ => -1,
            };
        }
        else
        {
            expected = name switch
            {
                "attribute_exists" or "attribute_not_exists" or "size" => 1,
                "attribute_type" or "begins_with" or "contains" => 2,
                _ => -1,
            };
        }

        if (expected < 0)
        {
            Defer(PriorityUnknownFunction, "Invalid function name; function: " + name);
            return;
        }

        if (!_update)
        {
            foreach (var a in args)
            {
                CheckOperandUsage(a);
            }
        }

        if (args.Count != expected)
        {
            Defer(PriorityOperandCount, $"Incorrect number of operands for operator or function; operator or function: {name}, number of operands: {args.Count.ToString(CultureInfo.InvariantCulture)}");
            return;
        }

        switch (name)
        {
            case "attribute_exists" or "attribute_not_exists" or "size" or "if_not_exists":
                if (args[0] is not PathOperand)
                {
                    Defer(PriorityFunctionType, "Operator or function requires a document path; operator or function: " + name);
                }

                break;
            case "begins_with":
                foreach (var a in args)
                {
                    if (a is ValueOperand { Value: { } v } && v.Type is not (AttributeType.S or AttributeType.B))
                    {
                        Defer(PriorityFunctionType, $"Incorrect operand type for operator or function; operator or function: {name}, operand type: {v.Type}");
                    }
                }

                CheckDistinct(name, args[0], args[1]);
                break;
            case "contains":
                CheckDistinct(name, args[0], args[1]);
                break;
            case "attribute_type":
                if (args[1] is ValueOperand { Value: { } t })
                {
                    if (t.Type != AttributeType.S)
                    {
                        Defer(PriorityFunctionType, $"Incorrect operand type for operator or function; operator or function: {name}, operand type: {t.Type}");
                    }
                    else if (!AttributeTypeNames.Contains(t.S, StringComparer.Ordinal))
                    {
                        Defer(PriorityFunctionType, $"Invalid attribute type name found; type: {t.S}, valid types: {{B,NULL,SS,BOOL,L,BS,N,NS,S,M}}");
                    }
                }

                break;
            case "list_append":
                foreach (var a in args)
                {
                    if (a is ValueOperand { Value: { } v } && v.Type != AttributeType.L)
                    {
                        Defer(PriorityFunctionType, $"Incorrect operand type for operator or function; operator or function: {name}, operand type: {v.Type}");
                    }
                }

                break;
            default:
                break;
        }
    }

    private DocumentPath ParsePath()
    {
        var elements = new List<PathElement> { PathElement.Key(ParsePathName()) };
        while (true)
        {
            if (Peek.Kind == TokenKind.Dot)
            {
                _pos++;
                elements.Add(PathElement.Key(ParsePathName()));
            }
            else if (Peek.Kind == TokenKind.LBracket)
            {
                _pos++;
                var t = Peek;
                if (t.Kind != TokenKind.Number || !int.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    throw SyntaxError(t);
                }

                _pos++;
                Expect(TokenKind.RBracket);
                elements.Add(PathElement.At(index));
            }
            else
            {
                return new DocumentPath(elements);
            }
        }
    }

    private string ParsePathName()
    {
        var t = Peek;
        if (t.Kind == TokenKind.Name)
        {
            _pos++;
            var name = _context.ResolveName(t.Text);
            if (name is null)
            {
                Defer(PriorityUndefined, "An expression attribute name used in the document path is not defined; attribute name: " + t.Text);
                return t.Text;
            }

            return name;
        }

        if (t.Kind != TokenKind.Identifier || IsAnyKeyword(t))
        {
            throw SyntaxError(t);
        }

        _pos++;
        if (ReservedWords.IsReserved(t.Text))
        {
            Defer(PriorityReserved, "Attribute name is a reserved keyword; reserved keyword: " + t.Text);
        }

        return t.Text;
    }

    // ---------------------------------------------------------------- update expressions

    private List<UpdateAction> ParseUpdateSections()
    {
        var actions = new List<UpdateAction>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            var t = Peek;
            var section = t.Kind == TokenKind.Identifier ? t.Text.ToUpperInvariant() : null;
            if (section is not ("SET" or "REMOVE" or "ADD" or "DELETE"))
            {
                throw SyntaxError(t);
            }

            _pos++;
            if (!seen.Add(section))
            {
                Defer(PrioritySection, $"The \"{section}\" section can only be used once in an update expression;");
            }

            do
            {
                actions.Add(section switch
                {
                    "SET" => ParseSetAction(),
                    "REMOVE" => new UpdateAction(UpdateActionKind.Remove, ParsePath(), null),
                    "ADD" => ParseAddOrDelete(UpdateActionKind.Add),
                    _ => ParseAddOrDelete(UpdateActionKind.Delete),
                });
            }
            while (TryConsume(TokenKind.Comma));
        }
        while (Peek.Kind != TokenKind.End);

        CheckOverlaps(actions.Select(a => a.Path).ToList());
        return actions;
    }

    private UpdateAction ParseSetAction()
    {
        var path = ParsePath();
        var t = Peek;
        if (t.Kind != TokenKind.Comparator || t.Text != "=")
        {
            throw SyntaxError(t);
        }

        _pos++;
        return new UpdateAction(UpdateActionKind.Set, path, ParseSetValue());
    }

    private Operand ParseSetValue()
    {
        var left = ParseOperand();
        if (Peek.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var op = Peek.Kind == TokenKind.Plus ? '+' : '-';
            _pos++;
            var right = ParseOperand();
            foreach (var a in new[] { left, right })
            {
                if (a is ValueOperand { Value: { } v } && v.Type != AttributeType.N)
                {
                    Defer(PriorityFunctionType, $"Incorrect operand type for operator or function; operator or function: {op}, operand type: {v.Type}");
                }
            }

            return new ArithmeticOperand(op, left, right);
        }

        return left;
    }

    private UpdateAction ParseAddOrDelete(UpdateActionKind kind)
    {
        var path = ParsePath();
        var t = Peek;
        if (t.Kind != TokenKind.Value)
        {
            throw SyntaxError(t);
        }

        _pos++;
        var value = ResolveValue(t);
        if (value.Value is { } v)
        {
            var allowed = v.IsSet || (kind == UpdateActionKind.Add && v.Type == AttributeType.N);
            if (!allowed)
            {
                var typeName = v.Type switch
                {
                    AttributeType.S => "STRING",
                    AttributeType.N => "NUMBER",
                    AttributeType.B => "BINARY",
                    AttributeType.NULL => "NULL",
                    AttributeType.BOOL => "BOOLEAN",
                    AttributeType.L => "LIST",
                    _ => "MAP",
                };
                Defer(PriorityFunctionType, $"Incorrect operand type for operator or function; operator: {kind.ToString().ToUpperInvariant()}, operand type: {typeName}");
            }
        }

        return new UpdateAction(kind, path, value);
    }

    private void CheckOverlaps(List<DocumentPath> paths)
    {
        for (var i = 0; i < paths.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var a = paths[j];
                var b = paths[i];
                var n = Math.Min(a.Elements.Count, b.Elements.Count);
                var diverged = false;
                for (var k = 0; k < n; k++)
                {
                    var ea = a.Elements[k];
                    var eb = b.Elements[k];
                    if (ea.IsIndex != eb.IsIndex)
                    {
                        Defer(PriorityPathOverlap, $"Two document paths conflict with each other; must remove or rewrite one of these paths; path one: {a}, path two: {b}");
                        diverged = true;
                        break;
                    }

                    if (ea != eb)
                    {
                        diverged = true;
                        break;
                    }
                }

                if (!diverged)
                {
                    Defer(PriorityPathOverlap, $"Two document paths overlap with each other; must remove or rewrite one of these paths; path one: {a}, path two: {b}");
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private bool TryConsume(TokenKind kind)
    {
        if (Peek.Kind != kind)
        {
            return false;
        }

        _pos++;
        return true;
    }

    private void Expect(TokenKind kind)
    {
        if (Peek.Kind != kind)
        {
            throw SyntaxError(Peek);
        }

        _pos++;
    }

    private void ExpectEnd()
    {
        if (Peek.Kind != TokenKind.End)
        {
            throw SyntaxError(Peek);
        }
    }

    private bool IsAnyKeyword(Token t) =>
        _update
            ? IsKeyword(t, "SET") || IsKeyword(t, "REMOVE") || IsKeyword(t, "ADD") || IsKeyword(t, "DELETE")
            : IsKeyword(t, "AND") || IsKeyword(t, "OR") || IsKeyword(t, "NOT") || IsKeyword(t, "BETWEEN") || IsKeyword(t, "IN");

    private static bool IsKeyword(Token t, string keyword) =>
        t.Kind == TokenKind.Identifier && string.Equals(t.Text, keyword, StringComparison.OrdinalIgnoreCase);

    private void Defer(int priority, string message) => _deferred.Add((priority, message));

    private void ThrowDeferred()
    {
        if (_deferred.Count == 0)
        {
            return;
        }

        var first = _deferred.OrderBy(d => d.Priority).First();
        throw DynamoDbErrorException.Validation($"Invalid {_label}: {first.Message}");
    }

    private ExpressionSyntaxException SyntaxError(Token t)
    {
        var index = _tokens.IndexOf(t);
        var start = index > 0 ? _tokens[index - 1].Position : t.Position;
        var endToken = index >= 0 && index + 1 < _tokens.Count ? _tokens[index + 1] : t;
        var end = Math.Min(_text.Length, endToken.Kind == TokenKind.End ? _text.Length : endToken.Position + endToken.Text.Length);
        var near = start < end ? _text[start..end] : string.Empty;
        var tokenText = t.Kind == TokenKind.End ? "<EOF>" : t.Text;
        return new ExpressionSyntaxException(DynamoDbErrorException.Validation($"Invalid {_label}: Syntax error; token: \"{tokenText}\", near: \"{near}\""));
    }

    private List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, text[start..i], start));
                continue;
            }

            if (c is '#' or ':')
            {
                i++;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                if (i == start + 1)
                {
                    throw BadCharacter(tokens, text, start, c.ToString());
                }

                tokens.Add(new Token(c == '#' ? TokenKind.Name : TokenKind.Value, text[start..i], start));
                continue;
            }

            if (char.IsAsciiDigit(c))
            {
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Number, text[start..i], start));
                continue;
            }

            TokenKind kind;
            var length = 1;
            switch (c)
            {
                case '(': kind = TokenKind.LParen; break;
                case ')': kind = TokenKind.RParen; break;
                case '[': kind = TokenKind.LBracket; break;
                case ']': kind = TokenKind.RBracket; break;
                case '.': kind = TokenKind.Dot; break;
                case ',': kind = TokenKind.Comma; break;
                case '+': kind = TokenKind.Plus; break;
                case '-': kind = TokenKind.Minus; break;
                case '=': kind = TokenKind.Comparator; break;
                case '<':
                    kind = TokenKind.Comparator;
                    if (i + 1 < text.Length && text[i + 1] is '=' or '>')
                    {
                        length = 2;
                    }

                    break;
                case '>':
                    kind = TokenKind.Comparator;
                    if (i + 1 < text.Length && text[i + 1] == '=')
                    {
                        length = 2;
                    }

                    break;
                default:
                    throw BadCharacter(tokens, text, start, char.IsSurrogate(c) && i + 1 < text.Length ? text.Substring(i, 2) : c.ToString());
            }

            tokens.Add(new Token(kind, text.Substring(start, length), start));
            i += length;
        }

        tokens.Add(new Token(TokenKind.End, string.Empty, text.Length));
        return tokens;
    }

    private DynamoDbErrorException BadCharacter(List<Token> tokens, string text, int position, string token)
    {
        var start = tokens.Count > 0 ? tokens[^1].Position : position;
        var near = text[start..Math.Min(text.Length, position + token.Length)];
        return DynamoDbErrorException.Validation($"Invalid {_label}: Syntax error; token: \"{token}\", near: \"{near}\"");
    }

    private readonly record struct Token(TokenKind Kind, string Text, int Position);

    private sealed class ExpressionSyntaxException(DynamoDbErrorException error) : Exception(error.Message)
    {
        public DynamoDbErrorException Error { get; } = error;
    }

    /// <summary>Runs a parse, converting internal syntax exceptions to the public error.</summary>
    private static T Run<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ExpressionSyntaxException e)
        {
            throw e.Error;
        }
    }
}
