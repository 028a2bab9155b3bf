namespace Dynamo.Chaos.Faults;

/// <summary>A spare node joins at <see cref="At"/> into the load; once it serves, a member picked by <see cref="LeaverPick"/> is decommissioned.</summary>
public sealed record MembershipPlan(TimeSpan At, int LeaverPick)
{
    public override string ToString() => $"join a spare at +{At.TotalSeconds:0}s, then decommission member pick {LeaverPick}";
}
