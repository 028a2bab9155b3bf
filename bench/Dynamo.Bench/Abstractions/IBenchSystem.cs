namespace Dynamo.Bench.Abstractions;

/// <summary>
/// A system under test. The bench owns its whole life: <see cref="StartAsync"/> brings it up
/// (processes, temp directories, ports), <see cref="ConnectAsync"/> is called once per load
/// client, and <see cref="IAsyncDisposable.DisposeAsync"/> tears everything down again.
/// </summary>
/// <remarks>
/// A system that cannot run here (binary missing and not installable, port in use, ...) throws
/// <see cref="SystemUnavailableException"/> from <see cref="StartAsync"/> with a reason a person
/// can act on; the bench prints it, marks the system unavailable in the JSON and goes on with
/// the others. Any other exception from start/connect/preload is treated the same way.
/// Optional capabilities: <see cref="INodeFaultInjection"/> (kill/restart one node) and
/// <see cref="INodeProcesses"/> (process ids of the storage nodes, for memory figures).
/// </remarks>
public interface IBenchSystem : IAsyncDisposable
{
    /// <summary>Stable identifier used as the key in the JSON results (e.g. "etcd").</summary>
    string Name { get; }

    /// <summary>One line saying what is measured (topology, consistency level...).</summary>
    string Description { get; }

    Task StartAsync(CancellationToken ct);

    /// <summary>
    /// Returns a client for one load-generating worker. Called <c>--clients</c> times; a
    /// system may hand out light wrappers over shared connections (say which in
    /// <see cref="Description"/>).
    /// </summary>
    Task<IKeyValueClient> ConnectAsync(CancellationToken ct);
}

/// <summary>
/// One worker's view of a key-value store. A worker issues one request at a time on its
/// client, so implementations may keep per-client scratch state without locks.
/// </summary>
public interface IKeyValueClient : IAsyncDisposable
{
    ValueTask PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken ct);

    /// <summary>Returns true when the key was found. A miss is not an error.</summary>
    ValueTask<bool> GetAsync(string key, CancellationToken ct);
}

/// <summary>Thrown by <see cref="IBenchSystem.StartAsync"/> when the system cannot run here.</summary>
public sealed class SystemUnavailableException : Exception
{
    public SystemUnavailableException()
    {
    }

    public SystemUnavailableException(string message)
        : base(message)
    {
    }

    public SystemUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
