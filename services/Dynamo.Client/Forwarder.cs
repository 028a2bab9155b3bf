using Dynamo.Core;
using Dynamo.Core.Membership;
using Grpc.Core;

namespace Dynamo.Client;

/// <summary>
/// Sends a request to a coordinator: the first healthy primary of the key's preference list (DESIGN §4),
/// then the other primaries and the fallbacks (every node can coordinate). A node that cannot be reached
/// is suspected and the next one tried. A write is sent to another coordinator only when the first
/// certainly never handled it (no connection, or refused before any handler ran): a write that reached a
/// coordinator which then died may have been stored and replicated, and sending it again would store a
/// second version of it, which a later write that read only one of them would not cover. Such an
/// ambiguous write is a 503 that says it may have been applied. Reads are retried freely.
/// </summary>
public sealed class Forwarder(ClusterView view)
{
    private const int MaxAttempts = 3;

    /// <summary>The coordinator's reply, or why there is none (then always a 503 to an HTTP client).</summary>
    public sealed record Outcome(Protos.ClientReply? Reply, string Title, string Detail);

    public async Task<Outcome> SendAsync(string table, string key, TableSettings settings, bool idempotent, Func<CallInvoker, CallOptions, Task<Protos.ClientReply>> call, CancellationToken cancellation)
    {
        var (reply, failure) = await SendAsync(ring => ring.PartitionOf(table, key), settings, idempotent, call, cancellation);
        return reply is null ? failure! : new Outcome(reply, "", "");
    }

    /// <summary>Sends a read to a coordinator of <paramref name="partition"/> (range reads).</summary>
    public Task<(T? Reply, Outcome? Failure)> SendToPartitionAsync<T>(int partition, TableSettings settings, Func<CallInvoker, CallOptions, Task<T>> call, CancellationToken cancellation)
        where T : class =>
        SendAsync(_ => partition, settings, idempotent: true, call, cancellation);

    private async Task<(T? Reply, Outcome? Failure)> SendAsync<T>(Func<Dynamo.Core.Partitioning.Ring, int> partitionOf, TableSettings settings, bool idempotent, Func<CallInvoker, CallOptions, Task<T>> call, CancellationToken cancellation)
        where T : class
    {
        var ring = view.State.Ring;
        if (ring is null)
        {
            return (null, new Outcome(null, "No storage nodes", "The cluster has no ring yet: no storage node has joined."));
        }

        var pref = ring.PreferenceList(partitionOf(ring), Math.Min(settings.N, ring.Members.Count));
        var candidates = new List<NodeId>();
        candidates.AddRange(pref.Primaries.Where(view.IsAvailable));
        candidates.AddRange(pref.Fallbacks.Where(view.IsAvailable));
        candidates.AddRange(pref.Primaries.Where(p => !candidates.Contains(p)));

        var deadline = DateTime.UtcNow.AddMilliseconds(view.Options.RequestTimeoutMs);
        var headers = view.Credentials.Headers(view.Self);
        int attempts = 0;
        foreach (var node in candidates)
        {
            if (attempts >= MaxAttempts || view.AddressOf(node) is not { } address)
            {
                continue;
            }

            attempts++;
            try
            {
                return (await call(view.Channels.For(address), new CallOptions(headers, deadline, cancellation)), null);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && (idempotent || Dynamo.Protos.Hosting.StateMachineHost.CertainlyNotHandled(ex)))
            {
                view.Suspect(node);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
            {
                view.Suspect(node);
                return (null, new Outcome(null, "Coordinator lost", $"The connection to the coordinator {node} broke during the write: it may or may not have been applied. Read the key before writing again."));
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
            {
                return (null, new Outcome(null, "Timed out", $"The coordinator {node} did not answer within {view.Options.RequestTimeoutMs} ms; a write may or may not have been applied."));
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellation.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellation);
            }
            catch (RpcException ex)
            {
                return (null, new Outcome(null, "Coordinator error", $"{node}: {ex.StatusCode}: {ex.Status.Detail}"));
            }
        }

        return (null, new Outcome(null, "No coordinator reachable", $"None of the {attempts} nodes tried for this key answered."));
    }
}
