using System.Globalization;
using System.Numerics;
using System.Text;
using Dynamo.DynamoDb.Model;

namespace Dynamo.DynamoDb.Storage;

/// <summary>
/// Order-preserving encoding of key values (S, N, B) into ASCII strings whose ordinal
/// (<see cref="string.CompareOrdinal(string, string)"/>) order equals DynamoDB's order for the type:
/// <list type="bullet">
/// <item>S: lowercase hex of the UTF-8 bytes (byte order = code point order).</item>
/// <item>B: lowercase hex of the bytes (unsigned byte order). Hex keeps prefixes: a byte prefix is a string prefix.</item>
/// <item>N: <c>"1"</c> for zero; positives <c>"2" + EEE + digits</c>; negatives <c>"0" + (999-EEE) + 9's-complement digits + "~"</c>,
/// where EEE is the scientific exponent + 200 as three decimal digits (DynamoDB's range -130..125 fits) and digits are the
/// significant digits without trailing zeros. The "~" terminator sorts above every digit so a shorter negative mantissa
/// (e.g. -0.1) sorts after a longer one with the same prefix (-0.12).</item>
/// </list>
/// The encoding is versioned by its format only; changing it requires re-encoding stored keys.
/// </summary>
public static class SortKeyCodec
{
    private const int ExponentBias = 200;

    /// <summary>Encodes a key value; throws for non-key types.</summary>
    public static string Encode(AttributeValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Type switch
        {
            AttributeType.S => EncodeString(value.S),
            AttributeType.N => EncodeNumber(value.N),
            AttributeType.B => EncodeBinary(value.B),
            _ => throw new ArgumentException($"Type {value.Type} cannot be a key.", nameof(value)),
        };
    }

    /// <summary>Encodes a string key.</summary>
    public static string EncodeString(string value) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(value));

    /// <summary>Encodes a binary key.</summary>
    public static string EncodeBinary(ReadOnlySpan<byte> value) => Convert.ToHexStringLower(value);

    /// <summary>Encodes a number key.</summary>
    public static string EncodeNumber(DynamoNumber value)
    {
        if (value.IsZero)
        {
            return "1";
        }

        var exp = value.ScientificExponent + ExponentBias;
        if (exp is < 0 or > 999)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Number outside DynamoDB's range.");
        }

        var digits = value.Digits;
        var sb = new StringBuilder(digits.Length + 5);
        if (value.Sign > 0)
        {
            sb.Append('2').Append(exp.ToString("D3", CultureInfo.InvariantCulture)).Append(digits);
        }
        else
        {
            sb.Append('0').Append((999 - exp).ToString("D3", CultureInfo.InvariantCulture));
            foreach (var d in digits)
            {
                sb.Append((char)('9' - (d - '0')));
            }

            sb.Append('~');
        }

        return sb.ToString();
    }

    /// <summary>Decodes a value produced by <see cref="Encode"/> for a key of type <paramref name="type"/>.</summary>
    public static AttributeValue Decode(string encoded, ScalarAttributeType type)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        return type switch
        {
            ScalarAttributeType.S => AttributeValue.FromS(Encoding.UTF8.GetString(Convert.FromHexString(encoded))),
            ScalarAttributeType.B => AttributeValue.FromB(Convert.FromHexString(encoded)),
            ScalarAttributeType.N => AttributeValue.FromN(DecodeNumber(encoded)),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
    }

    /// <summary>Decodes a number key.</summary>
    public static DynamoNumber DecodeNumber(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (encoded == "1")
        {
            return DynamoNumber.Zero;
        }

        if (encoded.Length < 5)
        {
            throw new FormatException("Invalid encoded number key.");
        }

        var negative = encoded[0] == '0';
        if (!negative && encoded[0] != '2')
        {
            throw new FormatException("Invalid encoded number key.");
        }

        var exp = int.Parse(encoded.AsSpan(1, 3), NumberStyles.None, CultureInfo.InvariantCulture);
        string digits;
        if (negative)
        {
            exp = 999 - exp;
            if (encoded[^1] != '~')
            {
                throw new FormatException("Invalid encoded number key.");
            }

            var span = encoded.AsSpan(4, encoded.Length - 5);
            var chars = new char[span.Length];
            for (var i = 0; i < span.Length; i++)
            {
                chars[i] = (char)('9' - (span[i] - '0'));
            }

            digits = new string(chars);
        }
        else
        {
            digits = encoded[4..];
        }

        if (digits.Length == 0 || digits.Any(c => c is < '0' or > '9'))
        {
            throw new FormatException("Invalid encoded number key.");
        }

        var scientific = exp - ExponentBias;
        var coefficient = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        if (negative)
        {
            coefficient = -coefficient;
        }

        // value = 0.d1d2...dn × 10^(scientific+1) = coefficient × 10^(scientific - n + 1)
        return DynamoNumber.Create(coefficient, scientific - digits.Length + 1);
    }
}
