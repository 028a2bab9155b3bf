namespace Dynamo.Chaos.Faults;

/// <summary>
/// The faults of a run, drawn from its seed: first every process fault once in a seeded order (so even a
/// one-minute run covers them all), then seeded picks for as long as the load lasts; and the membership
/// changes (a spare joins, then a member is decommissioned) spread over the load.
/// </summary>
public sealed class FaultSchedule
{
    private static readonly FaultKind[] ProcessFaults = [FaultKind.KillNode, FaultKind.IsolateNode, FaultKind.StopSeed, FaultKind.StopRedis];

    private FaultSchedule(IReadOnlyList<FaultPlan> faults, IReadOnlyList<MembershipPlan> membership)
    {
        Faults = faults;
        Membership = membership;
    }

    /// <summary>Process faults, one at a time, in order.</summary>
    public IReadOnlyList<FaultPlan> Faults { get; }

    /// <summary>Join-then-decommission cycles, each starting at its offset into the load.</summary>
    public IReadOnlyList<MembershipPlan> Membership { get; }

    public static FaultSchedule Create(int seed, TimeSpan load, int membershipChanges)
    {
        var random = new Random(seed);
        var faults = new List<FaultPlan>();
        foreach (var kind in ProcessFaults.OrderBy(_ => random.Next()))
        {
            faults.Add(Plan(kind, random));
        }

        // Enough for the longest run: the injector stops drawing when the load is about to end.
        int extra = (int)Math.Ceiling(load.TotalSeconds / 4);
        for (int i = 0; i < extra; i++)
        {
            // Node faults dominate: they exercise sloppy quorum, hints, read repair and anti-entropy.
            var kind = random.Next(10) switch
            {
                < 4 => FaultKind.KillNode,
                < 8 => FaultKind.IsolateNode,
                8 => FaultKind.StopSeed,
                _ => FaultKind.StopRedis,
            };
            faults.Add(Plan(kind, random));
        }

        var membership = new List<MembershipPlan>();
        for (int i = 0; i < membershipChanges; i++)
        {
            // Early in each slice of the load, so the hand-off overlaps with later faults and load.
            var slice = load / membershipChanges;
            membership.Add(new MembershipPlan((slice * i) + TimeSpan.FromSeconds(3 + random.Next(5)), random.Next(1000)));
        }

        return new FaultSchedule(faults, membership);
    }

    private static FaultPlan Plan(FaultKind kind, Random random) =>
        new(kind, TimeSpan.FromMilliseconds(1_000 + random.Next(3_000)), TimeSpan.FromMilliseconds(3_000 + random.Next(5_000)), random.Next(1000));
}
