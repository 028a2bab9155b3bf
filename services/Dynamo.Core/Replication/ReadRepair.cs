using Dynamo.Core.Versioning;

namespace Dynamo.Core.Replication;

/// <summary>
/// Read repair (§5: "the coordinator ... updates the nodes that returned stale versions"): a pure
/// decision over the replies of one read. The merge of all replies is what every replica should hold;
/// each primary whose reply differs from it (older, or missing the key) is sent the merge. Fallbacks
/// are not repaired: they hold nothing of their own to fix.
/// </summary>
public static class ReadRepair
{
    public readonly record struct Reply(NodeId Node, DottedVersionVectorSet? Set, bool IsPrimary);

    /// <summary>The merged state, and the primaries to send it to.</summary>
    public static (DottedVersionVectorSet? Merged, List<NodeId> Stale) Plan(IReadOnlyList<Reply> replies)
    {
        DottedVersionVectorSet? merged = null;
        foreach (var r in replies)
        {
            if (r.Set is not null)
            {
                merged = merged is null ? r.Set : DottedVersionVectorSet.Sync(merged, r.Set);
            }
        }

        var stale = new List<NodeId>();
        if (merged is null)
        {
            return (null, stale);
        }

        foreach (var r in replies)
        {
            if (r.IsPrimary && (r.Set is null || !r.Set.Equals(merged)))
            {
                stale.Add(r.Node);
            }
        }

        return (merged, stale);
    }
}
