using System.Globalization;
using System.Numerics;
using System.Text;

namespace Dynamo.DynamoDb.Model;

/// <summary>
/// DynamoDB's Number type: an exact decimal with at most 38 significant digits and a magnitude
/// between 1E-130 and 9.9999999999999999999999999999999999999E+125 (or zero).
/// Represented as <c>Coefficient × 10^Exponent</c> with no trailing zeros in the coefficient,
/// so that equal values have equal representations. Arithmetic is exact (BigInteger based).
/// </summary>
public readonly struct DynamoNumber : IEquatable<DynamoNumber>, IComparable<DynamoNumber>
{
    /// <summary>Maximum number of significant digits DynamoDB stores.</summary>
    public const int MaxPrecision = 38;

    /// <summary>Largest allowed scientific exponent (9.99…E+125).</summary>
    public const int MaxScientificExponent = 125;

    /// <summary>Smallest allowed scientific exponent (1E-130).</summary>
    public const int MinScientificExponent = -130;

    private readonly BigInteger _coefficient;
    private readonly int _exponent;

    private DynamoNumber(BigInteger coefficient, int exponent)
    {
        _coefficient = coefficient;
        _exponent = exponent;
    }

    /// <summary>The value zero.</summary>
    public static DynamoNumber Zero => default;

    /// <summary>Unscaled value (no trailing zeros; zero for zero).</summary>
    public BigInteger Coefficient => _coefficient;

    /// <summary>Power of ten applied to <see cref="Coefficient"/>.</summary>
    public int Exponent => _exponent;

    /// <summary>-1, 0 or 1.</summary>
    public int Sign => _coefficient.Sign;

    /// <summary>Whether the value is zero.</summary>
    public bool IsZero => _coefficient.IsZero;

    /// <summary>Number of significant digits (1 for zero).</summary>
    public int Precision => _coefficient.IsZero ? 1 : DigitCount(BigInteger.Abs(_coefficient));

    /// <summary>Exponent of the value written as d.ddd×10^e (0 for zero).</summary>
    public int ScientificExponent => _coefficient.IsZero ? 0 : _exponent + Precision - 1;

    /// <summary>The significant digits, without sign ("0" for zero).</summary>
    public string Digits => BigInteger.Abs(_coefficient).ToString(CultureInfo.InvariantCulture);

    /// <summary>Creates a number from a coefficient and exponent, normalizing trailing zeros. Does not check DynamoDB's limits.</summary>
    public static DynamoNumber Create(BigInteger coefficient, long exponent)
    {
        if (coefficient.IsZero)
        {
            return default;
        }

        while (true)
        {
            var quotient = BigInteger.DivRem(coefficient, 10, out var remainder);
            if (!remainder.IsZero)
            {
                break;
            }

            coefficient = quotient;
            exponent++;
        }

        if (exponent is > int.MaxValue / 2 or < int.MinValue / 2)
        {
            throw new OverflowException("Number exponent out of range.");
        }

        return new DynamoNumber(coefficient, (int)exponent);
    }

    /// <summary>Creates a number from an integer.</summary>
    public static DynamoNumber FromInt64(long value) => Create(value, 0);

    /// <summary>
    /// Parses a DynamoDB number string (Java BigDecimal syntax: optional sign, digits with an optional
    /// decimal point, optional exponent) and checks DynamoDB's precision and range limits.
    /// Returns false with a DynamoDB-style message on failure.
    /// </summary>
    public static bool TryParse(string? text, out DynamoNumber value, out string? error)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "The parameter cannot be converted to a numeric value";
            return false;
        }

        if (!TryParseSyntax(text, out var coefficient, out var exponent))
        {
            error = "The parameter cannot be converted to a numeric value: " + text;
            return false;
        }

        if (coefficient.IsZero)
        {
            error = null;
            return true;
        }

        // Normalize (strip trailing zeros) before checking limits.
        while (true)
        {
            var quotient = BigInteger.DivRem(coefficient, 10, out var remainder);
            if (!remainder.IsZero)
            {
                break;
            }

            coefficient = quotient;
            exponent++;
        }

        var digits = DigitCount(BigInteger.Abs(coefficient));
        var scientific = exponent + digits - 1;
        if (scientific > MaxScientificExponent)
        {
            error = "Number overflow. Attempting to store a number with magnitude larger than supported range";
            return false;
        }

        if (scientific < MinScientificExponent)
        {
            error = "Number underflow. Attempting to store a number with magnitude smaller than supported range";
            return false;
        }

        if (digits > MaxPrecision)
        {
            error = "Attempting to store more than 38 significant digits in a Number";
            return false;
        }

        value = new DynamoNumber(coefficient, (int)exponent);
        error = null;
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> with DynamoDB's message.</summary>
    public static DynamoNumber Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    /// <summary>Checks this value against DynamoDB's precision and range limits (used after arithmetic).</summary>
    public string? CheckLimits()
    {
        if (IsZero)
        {
            return null;
        }

        if (ScientificExponent > MaxScientificExponent)
        {
            return "Number overflow. Attempting to store a number with magnitude larger than supported range";
        }

        if (ScientificExponent < MinScientificExponent)
        {
            return "Number underflow. Attempting to store a number with magnitude smaller than supported range";
        }

        return Precision > MaxPrecision ? "Attempting to store more than 38 significant digits in a Number" : null;
    }

    private static bool TryParseSyntax(string text, out BigInteger coefficient, out long exponent)
    {
        coefficient = BigInteger.Zero;
        exponent = 0;
        var i = 0;
        var negative = false;
        if (text[i] is '+' or '-')
        {
            negative = text[i] == '-';
            i++;
        }

        var digits = new StringBuilder(text.Length);
        var sawDigit = false;
        var fractionDigits = 0;
        var sawPoint = false;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c is >= '0' and <= '9')
            {
                sawDigit = true;
                if (digits.Length > 0 || c != '0')
                {
                    digits.Append(c);
                }

                if (sawPoint)
                {
                    fractionDigits++;
                }
            }
            else if (c == '.' && !sawPoint)
            {
                sawPoint = true;
            }
            else
            {
                break;
            }
        }

        if (!sawDigit)
        {
            return false;
        }

        long exp = 0;
        if (i < text.Length)
        {
            if (text[i] is not ('e' or 'E'))
            {
                return false;
            }

            i++;
            var expNegative = false;
            if (i < text.Length && text[i] is '+' or '-')
            {
                expNegative = text[i] == '-';
                i++;
            }

            if (i >= text.Length)
            {
                return false;
            }

            for (; i < text.Length; i++)
            {
                var c = text[i];
                if (c is < '0' or > '9')
                {
                    return false;
                }

                if (exp < 1_000_000_000)
                {
                    exp = (exp * 10) + (c - '0');
                }
            }

            if (expNegative)
            {
                exp = -exp;
            }
        }

        if (digits.Length == 0)
        {
            return true;
        }

        // Guard against absurd inputs (e.g. a million digits): DynamoDB rejects them anyway.
        if (digits.Length > 10_000)
        {
            return false;
        }

        coefficient = BigInteger.Parse(digits.ToString(), NumberStyles.None, CultureInfo.InvariantCulture);
        if (negative)
        {
            coefficient = -coefficient;
        }

        exponent = exp - fractionDigits;
        return true;
    }

    /// <summary>Exact sum.</summary>
    public static DynamoNumber operator +(DynamoNumber a, DynamoNumber b)
    {
        if (a.IsZero)
        {
            return b;
        }

        if (b.IsZero)
        {
            return a;
        }

        var exp = Math.Min(a._exponent, b._exponent);
        var ca = a._coefficient * BigInteger.Pow(10, a._exponent - exp);
        var cb = b._coefficient * BigInteger.Pow(10, b._exponent - exp);
        return Create(ca + cb, exp);
    }

    /// <summary>Exact negation.</summary>
    public static DynamoNumber operator -(DynamoNumber a) => new(-a._coefficient, a._exponent);

    /// <summary>Exact difference.</summary>
    public static DynamoNumber operator -(DynamoNumber a, DynamoNumber b) => a + (-b);

    /// <summary>Exact sum (named alternative for <c>+</c>).</summary>
    public static DynamoNumber Add(DynamoNumber left, DynamoNumber right) => left + right;

    /// <summary>Exact difference (named alternative for <c>-</c>).</summary>
    public static DynamoNumber Subtract(DynamoNumber left, DynamoNumber right) => left - right;

    /// <summary>Negation (named alternative for unary <c>-</c>).</summary>
    public static DynamoNumber Negate(DynamoNumber value) => -value;

    /// <inheritdoc />
    public int CompareTo(DynamoNumber other)
    {
        var sa = Sign;
        var sb = other.Sign;
        if (sa != sb)
        {
            return sa.CompareTo(sb);
        }

        if (sa == 0)
        {
            return 0;
        }

        // Same sign: compare magnitudes via scientific exponent first, then aligned coefficients.
        var ea = ScientificExponent;
        var eb = other.ScientificExponent;
        int magnitude;
        if (ea != eb)
        {
            magnitude = ea.CompareTo(eb);
        }
        else
        {
            var exp = Math.Min(_exponent, other._exponent);
            var ca = BigInteger.Abs(_coefficient) * BigInteger.Pow(10, _exponent - exp);
            var cb = BigInteger.Abs(other._coefficient) * BigInteger.Pow(10, other._exponent - exp);
            magnitude = ca.CompareTo(cb);
        }

        return sa > 0 ? magnitude : -magnitude;
    }

    /// <inheritdoc />
    public bool Equals(DynamoNumber other) => _exponent == other._exponent && _coefficient.Equals(other._coefficient);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DynamoNumber other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_coefficient, _exponent);

    /// <summary>Equality.</summary>
    public static bool operator ==(DynamoNumber left, DynamoNumber right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(DynamoNumber left, DynamoNumber right) => !left.Equals(right);

    /// <summary>Less than.</summary>
    public static bool operator <(DynamoNumber left, DynamoNumber right) => left.CompareTo(right) < 0;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(DynamoNumber left, DynamoNumber right) => left.CompareTo(right) <= 0;

    /// <summary>Greater than.</summary>
    public static bool operator >(DynamoNumber left, DynamoNumber right) => left.CompareTo(right) > 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(DynamoNumber left, DynamoNumber right) => left.CompareTo(right) >= 0;

    /// <summary>Canonical plain-notation form: no exponent, no trailing fractional zeros, "0" for zero ("1.0" → "1", "-0" → "0", "1e3" → "1000").</summary>
    public override string ToString()
    {
        if (_coefficient.IsZero)
        {
            return "0";
        }

        var digits = Digits;
        var sb = new StringBuilder(digits.Length + Math.Abs(_exponent) + 3);
        if (_coefficient.Sign < 0)
        {
            sb.Append('-');
        }

        if (_exponent >= 0)
        {
            sb.Append(digits);
            sb.Append('0', _exponent);
        }
        else
        {
            var pointPos = digits.Length + _exponent;
            if (pointPos > 0)
            {
                sb.Append(digits, 0, pointPos).Append('.').Append(digits, pointPos, digits.Length - pointPos);
            }
            else
            {
                sb.Append("0.").Append('0', -pointPos).Append(digits);
            }
        }

        return sb.ToString();
    }

    private static int DigitCount(BigInteger positive)
    {
        if (positive < 10)
        {
            return 1;
        }

        // Estimate with log10 then correct.
        var estimate = (int)Math.Floor(BigInteger.Log10(positive)) + 1;
        var pow = BigInteger.Pow(10, estimate - 1);
        if (positive < pow)
        {
            return estimate - 1;
        }

        return positive >= pow * 10 ? estimate + 1 : estimate;
    }
}
