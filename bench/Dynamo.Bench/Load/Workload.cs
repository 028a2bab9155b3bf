using System.Globalization;

namespace Dynamo.Bench.Load;

/// <summary>
/// An operation mix. Named as on the command line: "50/50" (get/put), "95/5", "put-only"; any
/// "G/P" with G + P = 100 is accepted.
/// </summary>
public sealed record WorkloadSpec(string Name, double GetFraction)
{
    public static readonly WorkloadSpec Mixed5050 = new("50/50", 0.5);

    public bool HasGets => GetFraction > 0;

    public static bool TryParse(string text, out WorkloadSpec spec, out string error)
    {
        spec = Mixed5050;
        error = "";
        var t = text.Trim().ToLowerInvariant();
        switch (t)
        {
            case "put-only" or "putonly" or "write-only" or "0/100":
                spec = new WorkloadSpec("put-only", 0);
                return true;
            case "get-only" or "read-only" or "100/0":
                spec = new WorkloadSpec("get-only", 1);
                return true;
        }

        var slash = t.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0
            && int.TryParse(t.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var gets)
            && int.TryParse(t.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var puts)
            && gets + puts == 100)
        {
            spec = new WorkloadSpec(string.Create(CultureInfo.InvariantCulture, $"{gets}/{puts}"), gets / 100.0);
            return true;
        }

        error = $"unknown workload '{text}': use 50/50, 95/5, put-only or any G/P with G+P=100";
        return false;
    }
}

public enum LoadMode
{
    /// <summary>C clients, each sends its next request as soon as the previous one answered.</summary>
    Closed,

    /// <summary>Requests are scheduled at a fixed rate; latency counts from the scheduled time.</summary>
    Open,
}

public enum KeyDistribution
{
    Uniform,
    Zipfian,
}
