using System.Security.Cryptography;
using System.Text;
using Dynamo.Core;
using Dynamo.Protos.Hosting;

namespace Dynamo.StorageNode;

/// <summary>
/// The node's admin surface (DESIGN §7: admin endpoints require the admin key): status, fault injection
/// ("cut off from cluster" / "reconnect"), anti-entropy on demand, and decommission.
/// </summary>
public static class AdminApi
{
    public const string AdminKeyHeader = "X-Dynamo-Admin-Key";

    public static void MapAdminApi(this WebApplication app)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter(async (ctx, next) =>
        {
            var runtime = ctx.HttpContext.RequestServices.GetRequiredService<NodeRuntime>();
            return Authorized(runtime.Options.AdminKey, ctx.HttpContext.Request.Headers[AdminKeyHeader])
                ? await next(ctx)
                : Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Admin key required", detail: $"Send the cluster's admin key in the {AdminKeyHeader} header.");
        });

        admin.MapGet("/status", (NodeRuntime runtime, FaultState faults) => runtime.Host.Read(_ =>
        {
            var node = runtime.Node;
            var s = node.Stats;
            return Results.Ok(new
            {
                node = node.Id.Value,
                isolated = faults.Isolated,
                engine = runtime.Engine.Name,
                storageBytes = runtime.Engine.ApproximateBytes,
                ringEpoch = node.State.Ring?.Epoch,
                partitionsOwned = node.State.Ring?.PartitionsOwnedBy(node.Id) ?? 0,
                members = node.State.Members.Values.Select(m => new { id = m.Id.Value, m.Address, status = m.Status.ToString(), available = node.IsAvailable(m.Id) }),
                phi = node.Phi().ToDictionary(p => p.Peer.Value, p => Math.Round(Math.Min(p.Phi, 1000), 2)),
                hintsPending = node.Store.HasHints,
                pendingOperations = node.PendingOperations,
                stats = new
                {
                    s.Reads,
                    s.Writes,
                    s.Forwards,
                    s.QuorumFailures,
                    s.SiblingsReturned,
                    s.ReadRepairs,
                    s.HintsStored,
                    s.HintsDelivered,
                    s.HandoffKeysSent,
                    s.AntiEntropyExchanges,
                    s.AntiEntropyKeysExchanged,
                    s.TombstonesReaped,
                    s.GossipRounds,
                },
            });
        }));

        admin.MapPost("/isolate", (FaultState faults, ILogger<NodeRuntime> log) =>
        {
            faults.Isolated = true;
            log.LogWarning("Fault injection: cut off from the cluster");
            return Results.Ok(new { isolated = true });
        });

        admin.MapPost("/reconnect", (FaultState faults, ILogger<NodeRuntime> log) =>
        {
            faults.Isolated = false;
            log.LogWarning("Fault injection: reconnected to the cluster");
            return Results.Ok(new { isolated = false });
        });

        admin.MapPost("/anti-entropy", (NodeRuntime runtime) =>
        {
            runtime.Host.Run(_ => runtime.Node.RunAntiEntropyNow());
            return Results.Accepted(value: new { started = true });
        });

        admin.MapPost("/decommission", (NodeRuntime runtime) =>
        {
            bool marked = false;
            runtime.Host.Run(_ => marked = runtime.Node.MarkLeaving(runtime.Node.Id));
            return marked
                ? Results.Accepted(value: new { leaving = runtime.Node.Id.Value })
                : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not decommissionable", detail: "The node is already leaving or has left.");
        });
    }

    public static bool Authorized(string configuredKey, string? presented) =>
        !string.IsNullOrEmpty(configuredKey)
        && presented is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(configuredKey), Encoding.UTF8.GetBytes(presented));
}
