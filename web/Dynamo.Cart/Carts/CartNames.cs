using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Dynamo.Cart.Carts;

/// <summary>
/// A cart's visible name, which is also its Dynamo key. Visible on purpose: open the same name in two
/// tabs or two browsers and they share one cart, which is how concurrent versions are made.
/// </summary>
public static partial class CartNames
{
    private static readonly string[] Adjectives = ["brave", "calm", "eager", "fuzzy", "gentle", "happy", "jolly", "lucky", "merry", "nimble", "proud", "quick", "sunny", "witty"];
    private static readonly string[] Animals = ["otter", "panda", "koala", "heron", "lynx", "gecko", "bison", "puffin", "falcon", "badger", "walrus", "marmot"];

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>Lower-cases and trims; null when the result is not a valid name.</summary>
    public static string? Normalize(string? name)
    {
        var n = name?.Trim().ToLowerInvariant().Replace(' ', '-');
        return IsValid(n) ? n : null;
    }

    /// <summary>A friendly random name such as "lucky-otter-42".</summary>
    public static string Generate() =>
        $"{Adjectives[RandomNumberGenerator.GetInt32(Adjectives.Length)]}-{Animals[RandomNumberGenerator.GetInt32(Animals.Length)]}-{RandomNumberGenerator.GetInt32(10, 100)}";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex Pattern();
}
