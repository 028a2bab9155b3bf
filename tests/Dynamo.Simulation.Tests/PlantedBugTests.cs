using Dynamo.Simulation;

namespace Dynamo.Simulation.Tests;

/// <summary>The checker bites: with a known bug planted below the protocol, it reports lost writes.</summary>
public class PlantedBugTests
{
    [Fact]
    public void LastWriterWinsInsteadOfSiblingsLosesWrites()
    {
        var results = Enumerable.Range(1, 6).Select(s => SimulationRun.Execute(s, new SimulationOptions { Bug = PlantedBug.LastWriterWins })).ToList();
        Assert.All(results, r => Assert.False(r.Passed));
        Assert.All(results, r => Assert.True(r.LostWrites > 0, $"seed {r.Seed}: no lost write reported"));
    }

    [Fact]
    public void DroppingHintsLosesWritesAcknowledgedBySloppyQuorums()
    {
        var results = new SimulationResult[40];
        Parallel.For(0, results.Length, i => results[i] = SimulationRun.Execute(i + 1, new SimulationOptions { Bug = PlantedBug.DropHints }));
        Assert.Contains(results, r => r.LostWrites > 0);

        // The same seeds without the bug lose nothing: the failures come from the bug alone.
        foreach (var r in results.Where(r => r.LostWrites > 0).Take(3))
        {
            Assert.True(SimulationRun.Execute(r.Seed).Passed, $"seed {r.Seed} fails even without the bug");
        }
    }

    /// <summary>
    /// Found by the chaos runner on real processes: a client that sends a write again to another node after
    /// the first attempt timed out stores it twice when the first had been applied. The checker must see it.
    /// </summary>
    [Fact]
    public void RetryingAnAmbiguousWriteElsewhereAppliesItTwice()
    {
        var results = new SimulationResult[60];
        Parallel.For(0, results.Length, i => results[i] = SimulationRun.Execute(i + 1, new SimulationOptions { Bug = PlantedBug.RetryAmbiguousWrites }));
        Assert.Contains(results, r => r.Problems.Any(p => p.Contains("was applied 2 times", StringComparison.Ordinal)));
    }
}
