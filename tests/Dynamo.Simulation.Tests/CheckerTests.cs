using Dynamo.Simulation;

namespace Dynamo.Simulation.Tests;

/// <summary>The checker's rules on small hand-made histories.</summary>
public class CheckerTests
{
    private readonly History _history = new();

    private HistoryOp Write(string value, Outcome outcome, params string[] read) =>
        _history.Add(new HistoryOp
        {
            Id = _history.NextId,
            Client = "c",
            Kind = OpKind.Write,
            Table = "default",
            Key = "k",
            Value = value,
            ReadSet = read.ToHashSet(),
            Outcome = outcome,
        });

    private HistoryOp Delete(Outcome outcome, params string[] read) =>
        _history.Add(new HistoryOp { Id = _history.NextId, Client = "c", Kind = OpKind.Delete, Table = "default", Key = "k", ReadSet = read.ToHashSet(), Outcome = outcome });

    private Checker Check(params string[] final) =>
        new Checker(_history, new Dictionary<(string, string), Checker.FinalState>
        {
            [("default", "k")] = new([.. final], new HashSet<string>()),
        }).Run();

    [Fact]
    public void AnAcknowledgedWriteMissingFromTheFinalStateIsLost()
    {
        Write("w1", Outcome.Ok);
        var c = Check();
        Assert.Single(c.LostWrites);
        Assert.False(c.Passed);
    }

    [Fact]
    public void AWriteSupersededByAnAcknowledgedWriteThatReadItIsNotLost()
    {
        Write("w1", Outcome.Ok);
        Write("w2", Outcome.Ok, "w1");
        Assert.True(Check("w2").Passed);
    }

    [Fact]
    public void SupersessionFollowsChainsThroughUnacknowledgedWritesThatSurvived()
    {
        Write("w1", Outcome.Ok);
        Write("w2", Outcome.Unknown, "w1");
        Write("w3", Outcome.Unknown, "w2");
        Assert.True(Check("w3").Passed);

        // The chain counts only if its end survived: here nothing of it is in the final state.
        var lost = new Checker(_history, new Dictionary<(string, string), Checker.FinalState> { [("default", "k")] = new([], new HashSet<string>()) }).Run();
        Assert.Single(lost.LostWrites);
    }

    [Fact]
    public void ADeleteThatReadAWriteSupersedesItEvenUnacknowledged()
    {
        Write("w1", Outcome.Ok);
        Delete(Outcome.Unknown, "w1");
        Assert.True(Check().Passed);
    }

    [Fact]
    public void AValueBackAfterAnAcknowledgedDeleteIsAResurrection()
    {
        Write("w1", Outcome.Ok);
        Delete(Outcome.Ok, "w1");
        var c = Check("w1");
        Assert.Single(c.Resurrections);
        Assert.False(c.Passed);
    }

    [Fact]
    public void SiblingsMustBeConcurrent()
    {
        Write("w1", Outcome.Ok);
        Write("w2", Outcome.Ok, "w1");
        Write("w3", Outcome.Ok);
        Assert.True(Check("w2", "w3").Passed);
        Assert.NotEmpty(Check("w1", "w2").SiblingViolations);
    }

    [Fact]
    public void AnAcknowledgedSetElementMissingIsLost()
    {
        _history.Add(new HistoryOp { Id = 1, Client = "c", Kind = OpKind.SetAdd, Table = "sets", Key = "s", Value = "w1", Element = "e1", Outcome = Outcome.Ok });
        var final = new Dictionary<(string, string), Checker.FinalState> { [("sets", "s")] = new(["w1"], new HashSet<string> { "e0" }) };
        var c = new Checker(_history, final).Run();
        Assert.Single(c.LostElements);
    }

    [Fact]
    public void ARejectedWellFormedRequestIsReported()
    {
        Write("w1", Outcome.Failed);
        Assert.Single(Check().Rejections);
    }

    [Fact]
    public void AValueTwiceAmongSiblingsIsAWriteAppliedTwice()
    {
        Write("w1", Outcome.Ok);
        var c = Check("w1", "w1");
        Assert.Single(c.Duplicates);
        Assert.False(c.Passed);
    }
}
