using Microsoft.Extensions.Options;

namespace Dynamo.Router;

/// <summary>The router's settings, bound from the "Dynamo" section and validated at start.</summary>
public sealed class RouterOptions
{
    public const string Section = "Dynamo";

    /// <summary>The router's identity in gossip; default "router-" and the machine name.</summary>
    public string NodeId { get; set; } = "router-" + Environment.MachineName.ToLowerInvariant();

    public string ClusterSecret { get; set; } = "";

    /// <summary>Bootstrap contacts as "id=url" (the seed service, and any storage node).</summary>
    public List<string> Seeds { get; set; } = [];

    /// <summary>When set, every /kv and /tables request must carry it in X-Dynamo-Api-Key.</summary>
    public string ApiKey { get; set; } = "";

    public int MaxValueBytes { get; set; } = 1 << 20;

    public int DefaultN { get; set; } = 3;

    public int DefaultR { get; set; } = 2;

    public int DefaultW { get; set; } = 2;

    /// <summary>How long the router waits for a coordinator before answering 503.</summary>
    public long RequestTimeoutMs { get; set; } = 3_000;

    public long GossipIntervalMs { get; set; } = 1_000;

    public long HeartbeatIntervalMs { get; set; } = 1_000;

    /// <summary>Port on which the router serves the DynamoDB protocol (0: not served). Aspire sets it.</summary>
    public int DynamoDbPort { get; set; }

    /// <summary>When both are set, DynamoDB requests must be SigV4-signed with this key pair.</summary>
    public string DynamoDbAccessKeyId { get; set; } = "";

    public string DynamoDbSecretAccessKey { get; set; } = "";

    public Dynamo.Client.PartitionAwareClientOptions ToClientOptions() => new()
    {
        NodeId = NodeId,
        ClusterSecret = ClusterSecret,
        Seeds = Seeds,
        DefaultN = DefaultN,
        DefaultR = DefaultR,
        DefaultW = DefaultW,
        RequestTimeoutMs = RequestTimeoutMs,
        GossipIntervalMs = GossipIntervalMs,
        HeartbeatIntervalMs = HeartbeatIntervalMs,
    };
}

public sealed class RouterOptionsValidator : IValidateOptions<RouterOptions>
{
    public ValidateOptionsResult Validate(string? name, RouterOptions o)
    {
        var errors = new List<string>();
        if (o.ToClientOptions().Validate() is { } error)
        {
            errors.Add("Dynamo:" + error);
        }

        if (o.MaxValueBytes is < 1 or > 64 << 20)
        {
            errors.Add("Dynamo:MaxValueBytes must be between 1 and 67108864.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
