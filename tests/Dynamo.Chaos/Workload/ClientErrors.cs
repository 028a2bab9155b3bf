using System.Collections.Concurrent;

namespace Dynamo.Chaos.Workload;

/// <summary>
/// What the workload's clients saw that is neither success nor the designed "unavailable": server errors
/// other than 503 (they count in the run's 5xx) and exceptions the clients do not expect.
/// </summary>
public sealed class ClientErrors
{
    private const int MaxSamples = 20;
    private readonly ConcurrentQueue<string> _samples = new();
    private int _serverErrors;
    private int _unexpected;
    private int _unavailable;

    public int ServerErrors => Volatile.Read(ref _serverErrors);

    public int Unexpected => Volatile.Read(ref _unexpected);

    public int Unavailable => Volatile.Read(ref _unavailable);

    public IReadOnlyCollection<string> Samples => _samples;

    public void ServerError(string what)
    {
        Interlocked.Increment(ref _serverErrors);
        Sample("5xx " + what);
    }

    public void UnexpectedError(string what)
    {
        Interlocked.Increment(ref _unexpected);
        Sample("unexpected " + what);
    }

    public void UnavailableAnswer() => Interlocked.Increment(ref _unavailable);

    /// <summary>A 4xx for a well-formed request; the checker counts it, this keeps the reason.</summary>
    public void Rejected(string what) => Sample("4xx " + what);

    private void Sample(string what)
    {
        if (_samples.Count < MaxSamples)
        {
            _samples.Enqueue(what);
        }
    }
}
