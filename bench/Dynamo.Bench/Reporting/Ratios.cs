using System.Globalization;
using System.Text;
using Dynamo.Bench.Systems;

namespace Dynamo.Bench.Reporting;

/// <summary>
/// Throughput of every system relative to the reference systems
/// (<see cref="SystemCatalog.RatioReferences"/>: etcd and grpc_fanout_unary), in the primary
/// workload. Systems added to the catalog later appear automatically.
/// </summary>
public static class Ratios
{
    /// <summary>Ratios of the reported (median-round) throughputs, or with <paramref name="round"/> of that round's.</summary>
    public static IReadOnlyList<(string Pair, double? Ratio)> Compute(RunResults results, int? round = null)
    {
        var primary = results.Options.PrimaryWorkload.Name;
        var throughput = round is not { } k
            ? results.PrimaryThroughput()
            : [.. results.Systems.Select(s => (s.Name, s.Rounds(primary).FirstOrDefault(p => p.Round == k)?.OpsPerSec))];
        var byName = throughput.ToDictionary(t => t.Name, t => t.OpsPerSec, StringComparer.Ordinal);
        var pairs = new List<(string, double?)>();

        // The systems under test first (dynamo_client, dynamo_router), then the others in catalog order.
        var ordered = throughput
            .OrderBy(t => SystemCatalog.Headline.Contains(t.Name) ? SystemCatalog.Headline.ToList().IndexOf(t.Name) : SystemCatalog.Headline.Count)
            .ToList();
        foreach (var (name, ops) in ordered)
        {
            foreach (var reference in SystemCatalog.RatioReferences)
            {
                if (reference == name)
                {
                    continue;
                }

                double? ratio = null;
                if (ops is > 0 && byName.TryGetValue(reference, out var refOps) && refOps is > 0)
                {
                    ratio = ops.Value / refOps.Value;
                }

                pairs.Add(($"{name}/{reference}", ratio));
            }
        }

        return pairs;
    }

    /// <summary>The closing line, e.g. <c>ratios: redis/etcd=4.10, redis/grpc_fanout_unary=2.47, ...</c>.</summary>
    public static string Line(RunResults results)
    {
        var pairs = Compute(results);
        var sb = new StringBuilder("ratios: ");
        if (pairs.Count == 0)
        {
            sb.Append("n/a (no system ran)");
        }

        for (var i = 0; i < pairs.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            var (pair, ratio) = pairs[i];
            sb.Append(pair).Append('=').Append(ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "n/a");
        }

        return sb.ToString();
    }
}
