using Dynamo.Client;
using Dynamo.Simulation;

namespace Dynamo.Chaos.Cluster;

/// <summary>
/// The final state the checker judges: every key read through the router at R = N once everything has
/// healed. A read that cannot be served (it should not, after heal) is retried until a deadline and
/// reported if it never succeeds.
/// </summary>
public static class FinalReader
{
    public static async Task<(Dictionary<(string Table, string Key), Checker.FinalState> Final, List<string> Failures)> ReadAsync(
        DynamoHttpClient client, IEnumerable<(string Table, string Key)> keys, int n, TimeSpan timeout)
    {
        var final = new Dictionary<(string, string), Checker.FinalState>();
        var failures = new List<string>();
        var deadline = DateTime.UtcNow + timeout;
        foreach (var (table, key) in keys)
        {
            string? last = null;
            while (true)
            {
                try
                {
                    var read = await client.GetAsync(table, key, r: n);
                    var values = read.Siblings.Select(s => Simulation.Workload.ValueOf(s.Value)).ToList();
                    var elements = read.Siblings.SelectMany(s => Simulation.Workload.ElementsOf(s.Value)).ToHashSet(StringComparer.Ordinal);
                    final[(table, key)] = new Checker.FinalState(values, elements);
                    break;
                }
                catch (Exception ex) when (ex is DynamoException or HttpRequestException or TaskCanceledException)
                {
                    last = ex.Message;
                }

                if (DateTime.UtcNow > deadline)
                {
                    failures.Add($"final read of {table}/{key} at r={n} failed: {last}");
                    break;
                }

                // Retrying a read is safe; pace it.
                await Task.Delay(200);
            }
        }

        return (final, failures);
    }
}
