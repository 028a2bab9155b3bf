namespace Dynamo.Chaos.Faults;

/// <summary>
/// One scheduled fault. Node targets are picked when the fault starts, among the nodes that can take it
/// then, by <see cref="TargetPick"/> (drawn from the seed), so the schedule stays seed-determined while
/// membership changes.
/// </summary>
public sealed record FaultPlan(FaultKind Kind, TimeSpan Gap, TimeSpan Hold, int TargetPick)
{
    public override string ToString() => $"{Kind} after {Gap.TotalSeconds:0.0}s gap, held {Hold.TotalSeconds:0.0}s, pick {TargetPick}";
}
