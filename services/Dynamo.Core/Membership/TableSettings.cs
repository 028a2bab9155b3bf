using System.Text.RegularExpressions;

namespace Dynamo.Core.Membership;

/// <summary>
/// A table (the paper's "instance", Riak's bucket) and its quorum settings (§4.5: N replicas, R and W
/// the minimum nodes that take part in a read and a write). Settings spread by gossip; a higher
/// <see cref="Version"/> wins, ties broken by value so every node picks the same.
/// </summary>
public sealed partial record TableSettings(string Name, int N, int R, int W, long Version = 1)
{
    public const string DefaultTable = "default";
    public const int MaxN = 16;

    public static TableSettings Default(int n = 3, int r = 2, int w = 2) => new(DefaultTable, n, r, w, 0);

    /// <summary>Table names clients may use (DESIGN §6).</summary>
    public static bool IsValidName(string? name) => name is not null && NameRegex().IsMatch(name);

    /// <summary>Checks 1 ≤ R ≤ N, 1 ≤ W ≤ N and N ≤ the number of nodes in the ring; null when valid.</summary>
    public static string? Validate(int n, int r, int w, int ringNodes)
    {
        if (n < 1 || n > MaxN)
        {
            return $"n must be between 1 and {MaxN}.";
        }

        if (ringNodes > 0 && n > ringNodes)
        {
            return $"n = {n} exceeds the {ringNodes} nodes in the ring.";
        }

        if (r < 1 || r > n)
        {
            return $"r must be between 1 and n ({n}).";
        }

        if (w < 1 || w > n)
        {
            return $"w must be between 1 and n ({n}).";
        }

        return null;
    }

    public static TableSettings Newer(TableSettings a, TableSettings b)
    {
        if (a.Version != b.Version)
        {
            return a.Version > b.Version ? a : b;
        }

        var ka = (a.N, a.R, a.W);
        var kb = (b.N, b.R, b.W);
        return ka.CompareTo(kb) >= 0 ? a : b;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,255}$")]
    private static partial Regex NameRegex();
}
