using System.Collections.Concurrent;

namespace Dynamo.Chaos.Fuzzing;

/// <summary>
/// Every fuzzed request and what came back. A 5xx HTTP status, or a gRPC Internal / Unknown / DataLoss
/// status, is a server error: something a client sent made the server fail. Server errors are grouped by
/// kind (status, endpoint, shape of the request) with a couple of full examples each, so a report names
/// each distinct failure once. Other problems (a slow connection the server never cut off, a call
/// accepted without the cluster credential) are findings.
/// </summary>
public sealed class FuzzStats
{
    private const int SamplesPerKind = 2;
    private const int MaxFindings = 30;
    private readonly ConcurrentDictionary<string, int> _byCategory = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _byOutcome = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _serverErrorKinds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _serverErrorSamples = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _findings = new();
    private int _total;
    private int _serverErrorCount;
    private int _findingCount;

    public int Total => Volatile.Read(ref _total);

    public int ServerErrors => Volatile.Read(ref _serverErrorCount);

    public int Findings => Volatile.Read(ref _findingCount);

    public IReadOnlyDictionary<string, int> ByCategory => _byCategory;

    public IReadOnlyDictionary<string, int> ByOutcome => _byOutcome;

    /// <summary>Distinct kinds of server error with how often each happened.</summary>
    public IReadOnlyDictionary<string, int> ServerErrorKinds => _serverErrorKinds;

    /// <summary>Full examples (the request that caused it and the answer) per kind.</summary>
    public IEnumerable<string> ServerErrorSamples =>
        _serverErrorSamples.OrderBy(k => k.Key, StringComparer.Ordinal).SelectMany(k => k.Value.Select(s => $"[{k.Key}] {s}"));

    public IReadOnlyCollection<string> FindingSamples => _findings;

    public void Count(string category, string outcome)
    {
        Interlocked.Increment(ref _total);
        _byCategory.AddOrUpdate(category, 1, (_, n) => n + 1);
        _byOutcome.AddOrUpdate(outcome, 1, (_, n) => n + 1);
    }

    /// <param name="kind">What groups this error with others of the same cause, e.g. "grpc Unknown /dynamo.v1.Replica/Read, malformed request".</param>
    /// <param name="request">The request in full, for the report.</param>
    public void ServerError(string category, string outcome, string kind, string request)
    {
        Count(category, outcome);
        Interlocked.Increment(ref _serverErrorCount);
        _serverErrorKinds.AddOrUpdate(kind, 1, (_, n) => n + 1);
        var samples = _serverErrorSamples.GetOrAdd(kind, _ => new ConcurrentQueue<string>());
        if (samples.Count < SamplesPerKind)
        {
            samples.Enqueue(request);
        }
    }

    public void Finding(string what)
    {
        Interlocked.Increment(ref _findingCount);
        if (_findings.Count < MaxFindings)
        {
            _findings.Enqueue(what);
        }
    }
}
