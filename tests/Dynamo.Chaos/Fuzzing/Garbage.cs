using System.Globalization;
using System.Text;

namespace Dynamo.Chaos.Fuzzing;

/// <summary>Hostile building blocks: odd tokens, percent-encodings that do not decode to UTF-8, huge and binary data.</summary>
public static class Garbage
{
    /// <summary>Percent-encoded byte sequences that are not valid UTF-8 (stray continuation, truncated, overlong, surrogate, above U+10FFFF).</summary>
    public static readonly string[] InvalidUtf8 = ["%FF", "%FE%FF", "%C3%28", "%80", "%ED%A0%80", "%F4%90%80%80", "%C0%AF", "%E2%82", "%F0%9F%98", "%C1%BF", "%F8%88%80%80%80"];

    /// <summary>Malformed percent-encodings.</summary>
    public static readonly string[] BadPercent = ["%", "%G1", "%%", "%2", "%zz", "abc%", "%-1", "%+F"];

    public static readonly string[] Methods = ["GET", "PUT", "DELETE", "POST", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "FOO", "get", "M-SEARCH"];

    public static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    public static string Ascii(Random random, int length, string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_.~")
    {
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    /// <summary>A string mixing ASCII, control characters, non-BMP characters and lone surrogates.</summary>
    public static string Unicode(Random random, int length)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            switch (random.Next(6))
            {
                case 0:
                    sb.Append((char)random.Next(0, 32));
                    break;
                case 1:
                    sb.Append(char.ConvertFromUtf32(0x1F600 + random.Next(64)));
                    break;
                case 2:
                    sb.Append((char)(0xD800 + random.Next(0x800)));
                    break;
                case 3:
                    sb.Append((char)random.Next(0xA0, 0x3000));
                    break;
                default:
                    sb.Append((char)random.Next(32, 127));
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>One path segment as it would arrive in a request target: sometimes fine, often hostile.</summary>
    public static string Segment(Random random) => random.Next(14) switch
    {
        0 => "",
        1 => Ascii(random, 1 + random.Next(12)),
        2 => InvalidUtf8[random.Next(InvalidUtf8.Length)] + Ascii(random, random.Next(4)),
        3 => Ascii(random, random.Next(3)) + BadPercent[random.Next(BadPercent.Length)],
        4 => "%00" + Ascii(random, random.Next(4)),
        5 => Uri.EscapeDataString(Ascii(random, 1025 + random.Next(200))),
        6 => string.Concat(Enumerable.Range(0, 1 + random.Next(40)).Select(_ => "%" + random.Next(256).ToString("X2", CultureInfo.InvariantCulture))),
        7 => "..%2F..%2Fetc%2Fpasswd",
        8 => "a/b/../../c",
        9 => Uri.EscapeDataString(Ascii(random, 2, "aé€ß")) + "%252F",
        10 => "%2F%2F" + Ascii(random, 3),
        11 => new string('.', 1 + random.Next(3)),
        12 => Uri.EscapeDataString(Ascii(random, 300 + random.Next(800), "€ßé")),
        _ => "fz-" + Ascii(random, 6),
    };

    public static string QueryValue(Random random) => random.Next(12) switch
    {
        0 => "0",
        1 => "1",
        2 => "3",
        3 => "4",
        4 => "-1",
        5 => "2147483648",
        6 => "two",
        7 => "",
        8 => "%00",
        9 => "1e2",
        10 => InvalidUtf8[random.Next(InvalidUtf8.Length)],
        _ => " 2",
    };

    /// <summary>A query string with quorum parameters that are missing, duplicated, out of range or not numbers.</summary>
    public static string Query(Random random) => random.Next(6) switch
    {
        0 => "",
        1 => "?r=" + QueryValue(random),
        2 => "?w=" + QueryValue(random),
        3 => $"?w={QueryValue(random)}&w={QueryValue(random)}",
        4 => "?" + Segment(random) + "=" + Segment(random) + "&&=&r",
        _ => "?r=" + QueryValue(random) + "&w=" + QueryValue(random) + "&n=9",
    };

    /// <summary>
    /// JSON a table endpoint might receive: malformed, wrong types, deep nesting, out of range, or (only with
    /// <paramref name="allowValid"/>) valid. Without it no case may be a valid setting: a fuzzed
    /// <c>{"n":2,"r":1,"w":2}</c> for <c>default</c> is a legitimate change of the table the workload uses
    /// (chaos seed 700763263 did exactly that, and the check after fuzzing then read at r=3 > n).
    /// </summary>
    public static string TableJson(Random random, bool allowValid) => random.Next(allowValid ? 11 : 10) switch
    {
        0 => "{not json",
        1 => "{\"n\":3}",
        2 => "[1,2,3]",
        3 => new string('[', 5_000 + random.Next(20_000)) + new string(']', 100),
        4 => "{\"n\":" + random.Next(-5, 20) + ",\"r\":" + random.Next(-5, 20) + ",\"w\":\"" + random.Next(9) + "\"}",
        5 => "{\"n\":1e400,\"r\":1,\"w\":1}",
        6 => "{\"n\":3,\"r\":2,\"w\":2,\"n\":-1}",
        7 => "null",
        8 => "\"" + new string('x', random.Next(20_000)) + "\"",
        9 => OutOfRange(random, allowValid),
        _ => "{\"n\":3,\"r\":" + (1 + random.Next(3)) + ",\"w\":" + (1 + random.Next(3)) + "}",
    };

    private static string OutOfRange(Random random, bool allowValid)
    {
        int n = random.Next(-5, 20), r = random.Next(-5, 20), w = random.Next(-5, 20);
        if (!allowValid && n >= 1 && r >= 1 && w >= 1 && r <= n && w <= n)
        {
            w = n + 1; // W above N: never valid
        }

        return "{\"n\":" + n + ",\"r\":" + r + ",\"w\":" + w + "}";
    }

    /// <summary>Flips one random bit: a context or message that is almost right.</summary>
    public static byte[] FlipBit(Random random, byte[] data)
    {
        var copy = (byte[])data.Clone();
        if (copy.Length > 0)
        {
            int i = random.Next(copy.Length);
            copy[i] ^= (byte)(1 << random.Next(8));
        }

        return copy;
    }
}
