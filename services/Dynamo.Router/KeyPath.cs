using System.Text;

namespace Dynamo.Router;

/// <summary>
/// Reads "/kv/{table}/{key}" from the raw request target: keys arrive percent-encoded (DESIGN §6) and may
/// contain any UTF-8, including '/' as %2F, which routing would leave encoded. The key's bytes are
/// decoded exactly and must be valid UTF-8.
/// </summary>
public static class KeyPath
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static bool TryParse(string rawTarget, out string table, out string key, out string error)
    {
        table = key = "";
        int q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? rawTarget : rawTarget[..q];
        const string Prefix = "/kv/";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = "The path must look like /kv/{table}/{key}.";
            return false;
        }

        var rest = path[Prefix.Length..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || slash == rest.Length - 1)
        {
            error = "A key is required: /kv/{table}/{key}, the key percent-encoded.";
            return false;
        }

        if (!TryDecode(rest[..slash], out table, out error) || !TryDecode(rest[(slash + 1)..], out key, out error))
        {
            return false;
        }

        return true;
    }

    private static bool TryDecode(string raw, out string value, out string error)
    {
        value = "";
        var bytes = new List<byte>(raw.Length);
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c == '%')
            {
                if (i + 2 >= raw.Length || !IsHex(raw[i + 1]) || !IsHex(raw[i + 2]))
                {
                    error = "Malformed percent-encoding in the path.";
                    return false;
                }

                bytes.Add(Convert.ToByte(raw.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c > 0x7F)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
            else
            {
                bytes.Add((byte)c);
            }
        }

        try
        {
            value = StrictUtf8.GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            error = "The path does not decode to valid UTF-8.";
            return false;
        }

        error = "";
        return true;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
