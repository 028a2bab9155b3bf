using System.Globalization;
using Dynamo.Chaos.Faults;
using Dynamo.Chaos.Reporting;

namespace Dynamo.Chaos.Tests;

/// <summary>
/// The chaos run in its short form against the real AppHost: a minute of read-modify-write and set load
/// while a node is SIGKILLed and restarted, a node is cut off, the seed and Redis are stopped and started,
/// a spare joins and a member is decommissioned; then heal, convergence checked replica by replica, the
/// simulation's checker on the real history, and 10,000 hostile requests. CHAOS_SEED replays a seed.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ShortChaosTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AMinuteOfFaultsAndTenThousandHostileRequestsLoseNothing()
    {
        int seed = Environment.GetEnvironmentVariable("CHAOS_SEED") is { Length: > 0 } s
            ? int.Parse(s, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with CHAOS_SEED={seed}, or dotnet run -c Release --project tests/Dynamo.Chaos -- --minutes 1 --seed {seed})");
        var options = new ChaosOptions { Seed = seed, Load = TimeSpan.FromMinutes(1), FuzzRequests = 10_000, HealTimeout = TimeSpan.FromSeconds(150) };

        var result = await ChaosRun.ExecuteAsync(options, new PlainObserver(output.WriteLine), TestContext.Current.CancellationToken);
        output.WriteLine(result.Describe());

        Assert.True(result.Problems.Count == 0, $"seed {seed}: {result.Problems.Count} problems, first: {string.Join(" | ", result.Problems.Take(5))}; history: {result.HistoryFile}");
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.Resurrections);
        Assert.Equal(0, result.ServerErrors);
        Assert.True(result.Acknowledged > 500, $"only {result.Acknowledged} acknowledged writes: the workload did not really run");
        Assert.True(result.MembershipSettled && result.HintsDrained && result.Converged, "replicas did not settle, drain their hints and converge");
        Assert.True(result.Fuzzed >= 10_000, $"only {result.Fuzzed} fuzzed requests");
        Assert.Empty(result.Crashes);
        Assert.True(result.MemoryBounded);
        Assert.True(result.ServesAfterFuzz);
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            Assert.True(result.Faults.GetValueOrDefault(kind) > 0, $"no {kind} fault was injected");
        }
    }
}
