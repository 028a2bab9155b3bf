using Dynamo.Simulation;

namespace Dynamo.Simulation.Tests;

public class DeterminismTests
{
    [Theory]
    [InlineData(7)]
    [InlineData(4242)]
    public void ASeedReplaysTheIdenticalRun(int seed)
    {
        var first = SimulationRun.Execute(seed);
        var second = SimulationRun.Execute(seed);
        Assert.Equal(first.Digest, second.Digest);
        Assert.Equal(first.Events, second.Events);
        Assert.Equal(first.Messages, second.Messages);
        Assert.Equal(first.AcknowledgedWrites, second.AcknowledgedWrites);
        Assert.Equal(first.Faults, second.Faults);
        Assert.NotEqual(0UL, first.Digest);
    }

    [Fact]
    public void DifferentSeedsAreDifferentRuns()
    {
        var digests = Enumerable.Range(100, 5).Select(s => SimulationRun.Execute(s).Digest).ToHashSet();
        Assert.Equal(5, digests.Count);
    }
}
