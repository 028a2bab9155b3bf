using System.Text.Json.Nodes;
using Dynamo.Bench.Cli;
using Dynamo.Bench.Infrastructure;
using Dynamo.Bench.Load;
using Dynamo.Bench.Reporting;
using Dynamo.Bench.Systems;

namespace Dynamo.Bench.Hooks;

/// <summary>
/// An extra measurement run after the main matrix, whose result is stored in the JSON under
/// <see cref="ResultKey"/> (and shown in the HTML report). The two planned ones fill the
/// placeholders of the results contract:
/// <list type="bullet">
/// <item><c>node_failure</c>: run a system, SIGKILL one node mid-measurement
/// (<see cref="Abstractions.INodeFaultInjection"/>), report errors / throughput dip / recovery
/// from the per-second series (<see cref="LoadRunner.RunAsync"/> returns it).</item>
/// <item><c>node_rss_mb_1m_keys</c>: load 1M keys (<see cref="LoadRunner.PreloadAsync"/> with a
/// 1M <see cref="KeySpace"/>), then read each node's RSS
/// (<see cref="Abstractions.INodeProcesses"/> + <see cref="ProcessMemory.ReadRssMb"/>).</item>
/// </list>
/// Register a hook in <see cref="BenchHooks.Create"/>.
/// </summary>
public interface IBenchHook
{
    /// <summary>Top-level JSON key, e.g. "node_failure".</summary>
    string ResultKey { get; }

    /// <summary>Shown in the live progress display.</summary>
    string Title { get; }

    /// <summary>Returns the JSON value to store (null keeps the placeholder null).</summary>
    Task<JsonNode?> RunAsync(BenchHookContext context, CancellationToken ct);
}

/// <summary>What a hook can use: the options, the selected systems, the main results, and the bench's process supervision.</summary>
public sealed class BenchHookContext(
    BenchOptions options,
    IReadOnlyList<SystemDescriptor> systems,
    RunResults results,
    ProcessSupervisor supervisor,
    Action<string> status)
{
    public BenchOptions Options { get; } = options;

    /// <summary>The systems selected for this run (after --systems), in catalog order.</summary>
    public IReadOnlyList<SystemDescriptor> Systems { get; } = systems;

    /// <summary>The main matrix's results, complete.</summary>
    public RunResults Results { get; } = results;

    public ProcessSupervisor Supervisor { get; } = supervisor;

    public void Status(string text) => status(text);

    /// <summary>A context to create a fresh instance of a system with <see cref="SystemDescriptor.Create"/>.</summary>
    public SystemContext CreateSystemContext() => new(Supervisor, status, Options);
}

/// <summary>The registered hooks, in run order.</summary>
public static class BenchHooks
{
    /// <summary>Keys the results contract always has; null until a hook fills them.</summary>
    public static readonly IReadOnlyList<string> ReservedKeys = ["node_failure", "node_rss_mb_1m_keys"];

    public static IReadOnlyList<IBenchHook> Create(BenchOptions options)
    {
        IBenchHook[] all =
        [
            new NodeFailureHook(),   // fills "node_failure"
            new NodeMemoryHook(),    // fills "node_rss_mb_1m_keys"
        ];
        return [.. all.Where(h => options.Hooks is null || options.Hooks.Contains(h.ResultKey))];
    }
}
