namespace Dynamo.Chaos;

/// <summary>Where a run reports its progress: a live console display, plain lines, or a test's output.</summary>
public interface IChaosObserver
{
    /// <summary>A phase starts; its progress goes from 0 to <paramref name="total"/>.</summary>
    void BeginPhase(string phase, double total);

    void Report(string phase, double done, string detail);

    void EndPhase(string phase, string detail);

    void Log(string line);
}
