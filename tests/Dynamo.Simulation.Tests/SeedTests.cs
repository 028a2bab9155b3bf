using Dynamo.Simulation;

namespace Dynamo.Simulation.Tests;

/// <summary>The heart of the suite: 300 seeded runs of a whole cluster under faults, each checked.</summary>
public class SeedTests(ITestOutputHelper output)
{
    private const int SeedsPerChunk = 50;

    public static TheoryData<int> Chunks() => [0, 1, 2, 3, 4, 5];

    [Theory]
    [MemberData(nameof(Chunks))]
    public void EverySeedKeepsEveryAcknowledgedWrite(int chunk)
    {
        int first = 1 + (chunk * SeedsPerChunk);
        var results = new SimulationResult[SeedsPerChunk];
        Parallel.For(0, SeedsPerChunk, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            results[i] = SimulationRun.Execute(first + i));

        foreach (var failed in results.Where(r => !r.Passed))
        {
            output.WriteLine($"seed {failed.Seed}: {string.Join(" | ", failed.Problems.Take(5))}");
            output.WriteLine($"  faults: {failed.Faults}");
            output.WriteLine($"  replay: {failed.ReplayCommand}");
        }

        Assert.All(results, r => Assert.True(r.Passed, $"seed {r.Seed} failed; replay with: {r.ReplayCommand}"));
        Assert.All(results, r => Assert.True(r.AcknowledgedWrites > 0, $"seed {r.Seed} acknowledged no write at all"));
        Assert.All(results, r => Assert.Equal(0, r.HintsLeft));
    }
}
