using Microsoft.Extensions.Options;

namespace Dynamo.Seed;

/// <summary>The seed's settings, bound from the "Dynamo" section and validated at start.</summary>
public sealed class SeedOptions
{
    public const string Section = "Dynamo";

    public string NodeId { get; set; } = "seed";

    public string ClusterSecret { get; set; } = "";

    public string AdminKey { get; set; } = "";

    /// <summary>Other contacts ("id=url"), for a seed that restarts with an empty Redis.</summary>
    public List<string> Seeds { get; set; } = [];

    public long GossipIntervalMs { get; set; } = 1_000;

    public long HeartbeatIntervalMs { get; set; } = 1_000;

    /// <summary>How many membership records GET /admin/history returns at most.</summary>
    public int HistoryLimit { get; set; } = 200;
}

public sealed class SeedOptionsValidator : IValidateOptions<SeedOptions>
{
    public ValidateOptionsResult Validate(string? name, SeedOptions o)
    {
        var errors = new List<string>();
        if (System.Text.Encoding.UTF8.GetByteCount(o.ClusterSecret) < 16)
        {
            errors.Add("Dynamo:ClusterSecret must be at least 16 bytes (the same on every node and router).");
        }

        if (string.IsNullOrWhiteSpace(o.NodeId) || o.NodeId.Length > Dynamo.Core.NodeId.MaxLength)
        {
            errors.Add("Dynamo:NodeId must be 1-128 characters.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
