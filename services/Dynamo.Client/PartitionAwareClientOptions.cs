using Dynamo.Core;

namespace Dynamo.Client;

/// <summary>Settings of a process that talks to the cluster's nodes directly (the router, the partition-aware client).</summary>
public sealed class PartitionAwareClientOptions
{
    /// <summary>This process's identity in gossip.</summary>
    public string NodeId { get; set; } = "client-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The cluster secret: nodes refuse calls without the credential derived from it.</summary>
    public string ClusterSecret { get; set; } = "";

    /// <summary>Bootstrap contacts as "id=url": the seed service, and any storage node.</summary>
    public List<string> Seeds { get; set; } = [];

    public int DefaultN { get; set; } = 3;

    public int DefaultR { get; set; } = 2;

    public int DefaultW { get; set; } = 2;

    public long RequestTimeoutMs { get; set; } = 3_000;

    public long GossipIntervalMs { get; set; } = 1_000;

    public long HeartbeatIntervalMs { get; set; } = 1_000;

    public IEnumerable<(NodeId Id, string Url)> SeedAddresses()
    {
        foreach (var s in Seeds)
        {
            int eq = s.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                yield return (new NodeId(s[..eq]), s[(eq + 1)..].TrimEnd('/'));
            }
        }
    }

    /// <summary>The first invalid setting, named, or null.</summary>
    public string? Validate()
    {
        if (NodeId.Length is 0 or > Core.NodeId.MaxLength)
        {
            return "NodeId must be 1-128 characters.";
        }

        if (System.Text.Encoding.UTF8.GetByteCount(ClusterSecret) < 16)
        {
            return "ClusterSecret must be at least 16 bytes (the same on every node).";
        }

        if (Seeds.Count == 0 || !Seeds.All(s => s.IndexOf('=', StringComparison.Ordinal) > 0 && Uri.TryCreate(s[(s.IndexOf('=', StringComparison.Ordinal) + 1)..], UriKind.Absolute, out _)))
        {
            return "Seeds must list at least one contact as \"id=http://host:port\".";
        }

        if (Core.Membership.TableSettings.Validate(DefaultN, DefaultR, DefaultW, 0) is { } error)
        {
            return "DefaultN/DefaultR/DefaultW: " + error;
        }

        return RequestTimeoutMs is < 100 or > 600_000 ? "RequestTimeoutMs must be between 100 and 600000." : null;
    }
}
