namespace Dynamo.Chaos;

/// <summary>What one chaos run does. The seed decides the fault schedule, the targets and every client's choices.</summary>
public sealed record ChaosOptions
{
    public int Seed { get; init; } = Environment.TickCount & 0x7fffffff;

    /// <summary>How long clients run while faults are injected (the last fault is undone before it ends).</summary>
    public TimeSpan Load { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Keys of the read-modify-write workload ("k0".."kN-1" in the default table).</summary>
    public int KvKeys { get; init; } = 200;

    /// <summary>Keys of the set workload (Jepsen's set: unique elements added by read-merge-write).</summary>
    public int SetKeys { get; init; } = 8;

    /// <summary>Read-modify-write clients through the router's HTTP API.</summary>
    public int RouterClients { get; init; } = 3;

    /// <summary>Read-modify-write clients straight to coordinators (partition-aware client over gRPC).</summary>
    public int DirectClients { get; init; } = 3;

    /// <summary>Set clients; they alternate between the router and the partition-aware client.</summary>
    public int SetClients { get; init; } = 2;

    /// <summary>Malformed or hostile requests sent after the check; 0 skips fuzzing.</summary>
    public int FuzzRequests { get; init; } = 10_000;

    /// <summary>Node joins and decommissions during load; null: one per two and a half minutes of load, at least one.</summary>
    public int? MembershipChanges { get; init; }

    public bool InjectFaults { get; init; } = true;

    /// <summary>How long heal, hand-off, hint delivery and anti-entropy may take before the run counts as unconverged.</summary>
    public TimeSpan HealTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Where the history, fault log and problems are written when the run fails (null: the temp directory).</summary>
    public string? HistoryPath { get; init; }

    public int EffectiveMembershipChanges => MembershipChanges ?? Math.Max(1, (int)(Load.TotalMinutes / 2.5));
}
