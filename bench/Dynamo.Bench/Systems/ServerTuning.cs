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

        // glibc opens up to eight malloc arenas per core for threads that allocate at once, and the
        // memory RocksDB frees stays resident in each. Two arenas: node RSS at 1M keys 309 → 264 MiB
        // mean (337 → 290 max). It must be in the environment: glibc fixes its arena limit before Main
        // runs (a mallopt call from the node itself measured no change).
        ["MALLOC_ARENA_MAX"] = "2",
    };
}
