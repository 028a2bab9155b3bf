using System.Buffers.Text;
using System.Security.Cryptography;
using Dynamo.Core.Codecs;

namespace Dynamo.Core.Versioning;

/// <summary>
/// The opaque context handed to clients (DESIGN §3): base64url of a versioned encoding of the version
/// vector, bound to its table and key and signed with an HMAC keyed by the cluster secret. Dynamo
/// trusts the client's context (§4.4); a forged one would let a client make its write dominate siblings
/// it never saw and silently drop them, so a context that does not verify is refused.
/// </summary>
public sealed class CausalContext
{
    public const byte FormatVersion = 1;
    public const int MacBytes = 16;
    public const int MaxEncodedChars = 16 * 1024;

    private readonly byte[] _key;

    public CausalContext(ReadOnlySpan<byte> clusterSecret)
    {
        if (clusterSecret.Length < 16)
        {
            throw new ArgumentException("The cluster secret must be at least 16 bytes.", nameof(clusterSecret));
        }

        // Derive a purpose-specific key so the secret itself never signs anything directly.
        _key = HMACSHA256.HashData(clusterSecret, "dynamo/context/v1"u8);
    }

    public string Encode(VersionVector context, string table, string key)
    {
        var w = new ByteWriter(16 + context.Count * 24);
        w.Byte(FormatVersion);
        w.VarUInt((ulong)context.Count);
        foreach (var e in context.Entries)
        {
            w.String(e.Key.Node.Value);
            w.VarUInt(e.Key.Epoch);
            w.VarUInt((ulong)e.Value);
        }

        Span<byte> mac = stackalloc byte[32];
        Sign(w.WrittenSpan, table, key, mac);
        w.Bytes(mac[..MacBytes]);
        return Base64Url.EncodeToString(w.WrittenSpan);
    }

    /// <summary>Decodes and verifies a context; on failure returns false with a reason fit for a 400.</summary>
    public bool TryDecode(string? encoded, string table, string key, out VersionVector context, out string error)
    {
        context = VersionVector.Empty;
        if (string.IsNullOrEmpty(encoded))
        {
            error = "";
            return true;
        }

        if (encoded.Length > MaxEncodedChars)
        {
            error = $"The context is longer than {MaxEncodedChars} characters.";
            return false;
        }

        byte[] raw;
        try
        {
            raw = Base64Url.DecodeFromChars(encoded.AsSpan().Trim());
        }
        catch (FormatException)
        {
            error = "The context is not base64url.";
            return false;
        }

        // One context, one spelling: reject other strings that happen to decode to the same bytes.
        if (!encoded.AsSpan().Trim().SequenceEqual(Base64Url.EncodeToString(raw)))
        {
            error = "The context is not in canonical base64url.";
            return false;
        }

        if (raw.Length < 2 + MacBytes)
        {
            error = "The context is truncated.";
            return false;
        }

        var body = raw.AsSpan(0, raw.Length - MacBytes);
        Span<byte> mac = stackalloc byte[32];
        Sign(body, table, key, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..MacBytes], raw.AsSpan(raw.Length - MacBytes)))
        {
            error = "The context was not issued by this cluster for this key.";
            return false;
        }

        try
        {
            var r = new ByteReader(body);
            byte version = r.Byte();
            if (version != FormatVersion)
            {
                throw new FormatException($"Unknown context version {version}.");
            }

            int count = r.VarInt(ObjectCodec.MaxActors);
            var entries = new KeyValuePair<Actor, long>[count];
            for (int i = 0; i < count; i++)
            {
                string node = r.String(NodeId.MaxLength * 4);
                if (node.Length is 0 or > NodeId.MaxLength)
                {
                    throw new FormatException("Invalid actor id.");
                }

                var actor = new Actor(new NodeId(node), (uint)r.VarLong(uint.MaxValue));
                long counter = r.VarLong(long.MaxValue / 2);
                if (counter == 0 || (i > 0 && entries[i - 1].Key >= actor))
                {
                    throw new FormatException("Non-canonical context.");
                }

                entries[i] = new(actor, counter);
            }

            if (!r.End)
            {
                throw new FormatException("Trailing bytes.");
            }

            context = VersionVector.FromSorted(entries);
            error = "";
            return true;
        }
        catch (FormatException ex)
        {
            error = "The context is malformed: " + ex.Message;
            return false;
        }
    }

    public VersionVector Decode(string? encoded, string table, string key) =>
        TryDecode(encoded, table, key, out var vv, out var error) ? vv : throw new FormatException(error);

    private void Sign(ReadOnlySpan<byte> body, string table, string key, Span<byte> mac)
    {
        var w = new ByteWriter(body.Length + table.Length + key.Length + 16);
        w.Bytes(body);
        w.String(table);
        w.String(key);
        HMACSHA256.HashData(_key, w.WrittenSpan, mac);
    }
}
