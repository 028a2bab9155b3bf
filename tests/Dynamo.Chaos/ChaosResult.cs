using System.Text;
using Dynamo.Chaos.Cluster;
using Dynamo.Chaos.Faults;
using Dynamo.Chaos.Fuzzing;

namespace Dynamo.Chaos;

/// <summary>What a chaos run found. It passed when <see cref="Problems"/> is empty.</summary>
public sealed record ChaosResult
{
    public required int Seed { get; init; }

    public required TimeSpan Duration { get; init; }

    public required TimeSpan LoadDuration { get; init; }

    /// <summary>Acknowledged writes and set adds (each a unique value).</summary>
    public required int Acknowledged { get; init; }

    /// <summary>Acknowledged writes and set elements missing after heal and a read at R = N, not superseded.</summary>
    public required int Lost { get; init; }

    public required int Resurrections { get; init; }

    public required int SiblingViolations { get; init; }

    public required int Rejections { get; init; }

    /// <summary>5xx (and gRPC Internal / Unknown) answers: to fuzzed requests, and non-503 ones to the workload.</summary>
    public required int ServerErrors { get; init; }

    public required int Fuzzed { get; init; }

    public required int Operations { get; init; }

    public required int OperationsOk { get; init; }

    public required int OperationsUnknown { get; init; }

    public required int OperationsFailed { get; init; }

    public required bool MembershipSettled { get; init; }

    public required bool HintsDrained { get; init; }

    public required bool Converged { get; init; }

    public required TimeSpan HealTime { get; init; }

    public required IReadOnlyDictionary<FaultKind, int> Faults { get; init; }

    public required IReadOnlyList<string> Crashes { get; init; }

    public required bool MemoryBounded { get; init; }

    public required IReadOnlyList<Fuzzer.Memory> Memory { get; init; }

    public required bool ServesAfterFuzz { get; init; }

    public FuzzStats? Fuzz { get; init; }

    public ReplicaComparer.Comparison? Comparison { get; init; }

    public IReadOnlyDictionary<string, long> NodeStats { get; init; } = new Dictionary<string, long>();

    public required IReadOnlyList<string> Problems { get; init; }

    public string? HistoryFile { get; init; }

    public bool Passed => Problems.Count == 0;

    /// <summary>DESIGN §9's last line.</summary>
    public string LastLine => $"acknowledged: {Acknowledged}, lost: {Lost}, 5xx: {ServerErrors}, fuzzed: {Fuzzed}";

    /// <summary>A plain-text summary (the console renders its own tables).</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"seed {Seed}: {(Passed ? "PASSED" : "FAILED")} in {Duration.TotalSeconds:0}s (load {LoadDuration.TotalSeconds:0}s, heal {HealTime.TotalSeconds:0.0}s)");
        sb.AppendLine($"operations {Operations}: ok {OperationsOk}, unknown {OperationsUnknown}, failed {OperationsFailed}");
        sb.AppendLine($"acknowledged writes {Acknowledged}, lost {Lost}, resurrections {Resurrections}, sibling violations {SiblingViolations}, rejections {Rejections}");
        sb.AppendLine($"faults: {string.Join(", ", Faults.OrderBy(f => f.Key).Select(f => $"{f.Key} x{f.Value}"))}");
        sb.AppendLine($"membership settled {MembershipSettled}, hints drained {HintsDrained}, converged {Converged}");
        sb.AppendLine($"node stats: {string.Join(", ", NodeStats.Select(s => $"{s.Key} {s.Value}"))}");
        if (Fuzz is { } fuzz)
        {
            sb.AppendLine($"fuzzed {fuzz.Total}: {string.Join(", ", fuzz.ByCategory.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"))}");
            sb.AppendLine($"answers: {string.Join(", ", fuzz.ByOutcome.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"))}");
        }

        foreach (var m in Memory)
        {
            sb.AppendLine($"memory {m.Process}: {m.Before >> 20} MB -> peak {m.Peak >> 20} MB, after {m.After >> 20} MB{(m.Bounded ? "" : " (beyond bound)")}");
        }

        sb.AppendLine($"crashes {Crashes.Count}, memory bounded {MemoryBounded}, serves after fuzzing {ServesAfterFuzz}");
        foreach (var p in Problems.Take(40))
        {
            sb.AppendLine("PROBLEM " + p);
        }

        if (HistoryFile is not null)
        {
            sb.AppendLine("history written to " + HistoryFile);
        }

        sb.Append(LastLine);
        return sb.ToString();
    }
}
