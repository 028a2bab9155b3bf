namespace Dynamo.Protos.Hosting;

/// <summary>
/// Waits until everything written before the call is on stable storage (the storage node's group
/// commit). A replica acknowledges a write only after it (DESIGN §4 "Durability").
/// </summary>
public interface IDurabilityBarrier
{
    ValueTask WaitAsync(CancellationToken cancellation);
}

/// <summary>For processes that store nothing, and for engines that sync on every write.</summary>
public sealed class NoDurabilityBarrier : IDurabilityBarrier
{
    public static readonly NoDurabilityBarrier Instance = new();

    public ValueTask WaitAsync(CancellationToken cancellation) => ValueTask.CompletedTask;
}
