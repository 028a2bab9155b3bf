using System.Text;
using Dynamo.Core.Membership;
using Dynamo.Core.Storage;

namespace Dynamo.Core.Replication;

/// <summary>What a table name and a key may be (DESIGN §3, §6): checked wherever a key enters a node.</summary>
public static class KeyRules
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static bool IsValid(string? table, string? key, out string error)
    {
        if (!IsValidTable(table))
        {
            error = "A table name is 1 to 255 characters of A-Z, a-z, 0-9, '_', '.', '-'.";
            return false;
        }

        int bytes;
        try
        {
            bytes = key is null ? 0 : StrictUtf8.GetByteCount(key);
        }
        catch (EncoderFallbackException)
        {
            error = "A key must be valid UTF-8.";
            return false;
        }

        int max = IsInternal(table!) ? StorageKeys.MaxInternalKeyBytes : StorageKeys.MaxKeyBytes;
        if (bytes < 1 || bytes > max)
        {
            error = $"A key is 1 to {max} bytes of UTF-8.";
            return false;
        }

        error = "";
        return true;
    }

    /// <summary>Client table names, plus the internal compound tables (prefix <see cref="Hashing.KeyHash.CompoundTablePrefix"/>).</summary>
    public static bool IsValidTable(string? table) => TableSettings.IsValidName(table) || (table is not null && IsInternal(table));

    /// <summary>An internal compound table: '$' and a valid name; only the part of a key before its first NUL is hashed.</summary>
    public static bool IsInternal(string table) =>
        table.Length is > 1 and <= StorageKeys.MaxTableBytes && table[0] == Hashing.KeyHash.CompoundTablePrefix && TableSettings.IsValidName(table[1..]);
}
