using Dynamo.Core;
using Dynamo.Core.Runtime;
using Dynamo.Core.Storage;
using Microsoft.Extensions.Options;

namespace Dynamo.StorageNode;

/// <summary>
/// Every setting of a storage node (DESIGN §11), bound from the "Dynamo" configuration section
/// (appsettings.json, or environment variables such as Dynamo__NodeId). Validated at start: a bad value
/// stops the process with a message naming the setting.
/// </summary>
public sealed class StorageNodeOptions
{
    public const string Section = "Dynamo";

    public string NodeId { get; set; } = "";

    /// <summary>"rocksdb" (default) or "inmemory".</summary>
    public string StorageEngine { get; set; } = "rocksdb";

    /// <summary>Where RocksDB keeps this node's data; default ./data/{NodeId}.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>WAL fsync policy: GroupCommit (default), Always or None; see FsyncPolicy for what each can lose.</summary>
    public FsyncPolicy Fsync { get; set; } = FsyncPolicy.GroupCommit;

    /// <summary>Extra wait before a group commit, to gather more writes into one fsync; 0 = sync as soon as one waits.</summary>
    public int GroupCommitDelayMs { get; set; }

    /// <summary>
    /// URL other processes use to reach this node's gRPC endpoint; default: the URL of the Kestrel
    /// endpoint named "grpc" (HTTP/2 only, since gRPC over cleartext needs prior knowledge).
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    public int Capacity { get; set; } = 1;

    public string? Zone { get; set; }

    public int PartitionCount { get; set; } = 256;

    public int DefaultN { get; set; } = 3;

    public int DefaultR { get; set; } = 2;

    public int DefaultW { get; set; } = 2;

    public string ClusterSecret { get; set; } = "";

    /// <summary>Key for the admin and fault-injection endpoints; empty disables them.</summary>
    public string AdminKey { get; set; } = "";

    /// <summary>Bootstrap contacts as "id=url", e.g. "seed=http://localhost:7000".</summary>
    public List<string> Seeds { get; set; } = [];

    public int MaxValueBytes { get; set; } = 1 << 20;

    public long RequestTimeoutMs { get; set; } = 2_000;

    public long ReplicaTimeoutMs { get; set; } = 500;

    public long GossipIntervalMs { get; set; } = 1_000;

    public long HeartbeatIntervalMs { get; set; } = 1_000;

    public double PhiThreshold { get; set; } = 8;

    public long HintDeliveryIntervalMs { get; set; } = 1_000;

    public long HandoffIntervalMs { get; set; } = 1_000;

    public long AntiEntropyIntervalMs { get; set; } = 1_000;

    public int AntiEntropyKeysPerExchange { get; set; } = 512;

    public long TombstoneGraceMs { get; set; } = 3_600_000;

    public string ResolvedDataDirectory => string.IsNullOrWhiteSpace(DataDirectory) ? Path.Combine("data", NodeId) : DataDirectory;

    public string ResolvedAddress => (AdvertisedAddress ?? "").TrimEnd('/');

    public IReadOnlyDictionary<NodeId, string> SeedAddresses()
    {
        var seeds = new Dictionary<NodeId, string>();
        foreach (var s in Seeds)
        {
            int eq = s.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && Uri.TryCreate(s[(eq + 1)..], UriKind.Absolute, out var uri))
            {
                seeds[new NodeId(s[..eq])] = uri.ToString().TrimEnd('/');
            }
        }

        return seeds;
    }

    public NodeOptions ToNodeOptions(byte[] secret) => new()
    {
        NodeId = new NodeId(NodeId),
        Address = ResolvedAddress,
        Capacity = Capacity,
        Zone = string.IsNullOrWhiteSpace(Zone) ? null : Zone,
        PartitionCount = PartitionCount,
        DefaultN = DefaultN,
        DefaultR = DefaultR,
        DefaultW = DefaultW,
        ClusterSecret = secret,
        Seeds = [.. SeedAddresses().Keys],
        MaxValueBytes = MaxValueBytes,
        RequestTimeoutMs = RequestTimeoutMs,
        ReplicaTimeoutMs = ReplicaTimeoutMs,
        GossipIntervalMs = GossipIntervalMs,
        HeartbeatIntervalMs = HeartbeatIntervalMs,
        PhiThreshold = PhiThreshold,
        HintDeliveryIntervalMs = HintDeliveryIntervalMs,
        HandoffIntervalMs = HandoffIntervalMs,
        AntiEntropyIntervalMs = AntiEntropyIntervalMs,
        AntiEntropyKeysPerExchange = AntiEntropyKeysPerExchange,
        TombstoneGraceMs = TombstoneGraceMs,
    };
}

/// <summary>Start-up validation of <see cref="StorageNodeOptions"/>; messages name the setting as configured.</summary>
public sealed class StorageNodeOptionsValidator : IValidateOptions<StorageNodeOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageNodeOptions o)
    {
        var errors = new List<string>();
        void Check(bool ok, string setting, string why)
        {
            if (!ok)
            {
                errors.Add($"{StorageNodeOptions.Section}:{setting} {why}");
            }
        }

        Check(o.NodeId.Length is > 0 and <= Dynamo.Core.NodeId.MaxLength && o.NodeId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'), nameof(o.NodeId), "must be 1-128 characters of letters, digits, '-', '_', '.'.");
        Check(o.StorageEngine is "rocksdb" or "inmemory", nameof(o.StorageEngine), "must be \"rocksdb\" or \"inmemory\".");
        Check(Enum.IsDefined(o.Fsync), nameof(o.Fsync), "must be GroupCommit, Always or None.");
        Check(o.GroupCommitDelayMs is >= 0 and <= 1_000, nameof(o.GroupCommitDelayMs), "must be between 0 and 1000.");
        Check(Uri.TryCreate(o.AdvertisedAddress, UriKind.Absolute, out _), nameof(o.AdvertisedAddress), "must be an absolute URL (or configure Kestrel:Endpoints:grpc:Url).");
        Check(System.Text.Encoding.UTF8.GetByteCount(o.ClusterSecret) >= 16, nameof(o.ClusterSecret), "must be at least 16 bytes (every node and router of a cluster shares it).");
        Check(o.Seeds.All(s => s.IndexOf('=', StringComparison.Ordinal) > 0 && Uri.TryCreate(s[(s.IndexOf('=', StringComparison.Ordinal) + 1)..], UriKind.Absolute, out _)), nameof(o.Seeds), "entries must look like \"id=http://host:port\".");
        if (errors.Count == 0 && o.ToNodeOptions(System.Text.Encoding.UTF8.GetBytes(o.ClusterSecret)).Validate() is { } error)
        {
            errors.Add($"{StorageNodeOptions.Section}:{error}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
