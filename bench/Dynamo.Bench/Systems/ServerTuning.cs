namespace Dynamo.Bench.Systems;

/// <summary>
/// Runtime settings given to every .NET server process the bench starts (the Dynamo services and the
/// gRPC fan-out's servers alike, so the comparison stays like for like). The AppHost sets the same.
/// </summary>
public static class ServerTuning
{
    /// <summary>
    /// Idle thread-pool workers spin before they sleep. With several server processes on two cores that
    /// spinning takes the CPU the requests need (measured: dynamo_client 3,018 → 3,787 ops/s). The
    /// runtimeconfig switch of the same name had no measurable effect on .NET 10; the variable does.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
    };
}
