using Dynamo.Client;
using Dynamo.Core.Membership;

namespace Dynamo.Router;

/// <summary>GET /cluster: the members, the ring and every partition's preference list, as the router sees them.</summary>
public static class ClusterInfo
{
    public static IResult Describe(ClusterView view)
    {
        var state = view.State;
        var ring = state.Ring;
        var phi = view.Phi();
        int n = Math.Min(view.DefaultTable.N, ring?.Members.Count ?? 0);
        return Results.Ok(new
        {
            partitions = ring?.PartitionCount ?? 0,
            ringEpoch = ring?.Epoch ?? 0,
            replication = new { view.DefaultTable.N, view.DefaultTable.R, view.DefaultTable.W },
            nodes = state.Members.Values.Select(m => new
            {
                id = m.Id.Value,
                address = m.Address,
                status = Status(m, ring),
                available = view.IsAvailable(m.Id),
                phi = phi.TryGetValue(m.Id, out var p) ? Math.Round(Math.Min(p, 1000), 2) : 0,
                zone = m.Zone,
                capacity = m.Capacity,
                partitionCount = ring?.PartitionsOwnedBy(m.Id) ?? 0,
            }),
            tables = state.Tables.Values.Append(view.DefaultTable).DistinctBy(t => t.Name).Select(t => new { name = t.Name, n = t.N, r = t.R, w = t.W }),
            preferenceLists = ring is null
                ? []
                : Enumerable.Range(0, ring.PartitionCount).Select(p => new
                {
                    partition = p,
                    owner = ring.Owner(p).Value,
                    nodes = ring.PreferenceList(p, n).Primaries.Select(id => id.Value),
                }),
        });
    }

    // What an operator wants to read: in the ring and serving, joining, leaving, or gone.
    private static string Status(MemberState m, Dynamo.Core.Partitioning.Ring? ring) => m.Status switch
    {
        MemberStatus.Left => "left",
        MemberStatus.Leaving => "leaving",
        _ when ring?.Contains(m.Id) == true => "up",
        _ => "joining",
    };
}
