using Dynamo.Core;
using Dynamo.Core.Membership;
using Microsoft.Extensions.Options;

namespace Dynamo.Seed;

/// <summary>The seed's admin API (admin key required): members, decommission, the recorded history, the ring.</summary>
public static class SeedApi
{
    public const string AdminKeyHeader = "X-Dynamo-Admin-Key";

    public static void MapSeedApi(this WebApplication app)
    {
        app.MapGet("/", () => Results.Ok(new { role = "seed", admin = new[] { "GET /admin/members", "POST /admin/nodes/{id}/leave", "GET /admin/history", "GET /admin/ring" } }));
        var admin = app.MapGroup("/admin").AddEndpointFilter(async (ctx, next) =>
        {
            var key = ctx.HttpContext.RequestServices.GetRequiredService<IOptions<SeedOptions>>().Value.AdminKey;
            string? presented = ctx.HttpContext.Request.Headers[AdminKeyHeader];
            bool ok = !string.IsNullOrEmpty(key) && presented is not null
                && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(presented));
            return ok
                ? await next(ctx)
                : Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Admin key required", detail: $"Send the cluster's admin key in the {AdminKeyHeader} header.");
        });

        admin.MapGet("/members", (SeedRuntime seed, MembershipLog log) =>
        {
            var state = seed.State;
            return Results.Ok(new
            {
                ringEpoch = state.Ring?.Epoch ?? 0,
                redisConnected = log.Connected,
                restoredFromRedis = seed.Restored is { } r ? new { members = r.Members, ringEpoch = r.RingEpoch } : null,
                unrecordedChanges = log.Backlog,
                members = state.Members.Values.Select(m => new
                {
                    id = m.Id.Value,
                    m.Address,
                    status = m.Status switch
                    {
                        MemberStatus.Joining when state.Ring?.Contains(m.Id) == true => "up",
                        var other => other.ToString().ToLowerInvariant(),
                    },
                    inRing = state.Ring?.Contains(m.Id) == true,
                    available = seed.IsAvailable(m.Id),
                    m.Capacity,
                    m.Zone,
                    partitions = state.Ring?.PartitionsOwnedBy(m.Id) ?? 0,
                }),
            });
        });

        admin.MapPost("/nodes/{id}/leave", (string id, SeedRuntime seed) =>
        {
            if (id.Length is 0 or > NodeId.MaxLength)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad node id");
            }

            var node = new NodeId(id);
            if (seed.State.Member(node) is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown node", detail: $"{id} is not a member.");
            }

            if (seed.State.Ring is { } ring && ring.Contains(node) && ring.Members.Count(m => seed.State.Member(m.Id)?.Status == MemberStatus.Joining) <= 1)
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Last node", detail: "The last serving node cannot leave.");
            }

            return seed.Decommission(node)
                ? Results.Accepted(value: new { leaving = id })
                : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not decommissionable", detail: $"{id} is already leaving or has left.");
        });

        admin.MapGet("/history", async (MembershipLog log, IOptions<SeedOptions> options) =>
        {
            try
            {
                return Results.Ok(await log.HistoryAsync(options.Value.HistoryLimit));
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
            {
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Redis unavailable", detail: ex.Message);
            }
        });

        admin.MapGet("/ring", (SeedRuntime seed) => seed.State.Ring is { } ring
            ? Results.Ok(new
            {
                epoch = ring.Epoch,
                partitions = ring.PartitionCount,
                owners = Enumerable.Range(0, ring.PartitionCount).Select(p => ring.Owner(p).Value),
                perNode = ring.Members.ToDictionary(m => m.Id.Value, m => ring.PartitionsOwnedBy(m.Id)),
            })
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No ring yet", detail: "No storage node has joined."));
    }
}
