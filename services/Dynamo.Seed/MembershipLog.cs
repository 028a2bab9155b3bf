using System.Text.Json;
using System.Threading.Channels;
using Dynamo.Core.Membership;
using Dynamo.Core.Partitioning;
using StackExchange.Redis;

namespace Dynamo.Seed;

/// <summary>
/// The durable record of membership (DESIGN §5: "the seed records every change (who, when, old and new
/// ring) in Redis"): an append-only list of changes and the latest view, read back when the seed
/// restarts. Redis being down delays the records, it never loses them while the seed runs, and it never
/// stops the cluster: the data path does not touch the seed.
/// </summary>
public sealed class MembershipLog : BackgroundService
{
    public const string LogKey = "dynamo:membership:log";
    public const string StateKey = "dynamo:membership:state";

    private readonly IConnectionMultiplexer? _redis;
    private readonly ILogger<MembershipLog> _logger;
    private readonly Channel<Record> _pending = Channel.CreateUnbounded<Record>();

    public MembershipLog(IServiceProvider services, ILogger<MembershipLog> logger)
    {
        _redis = services.GetService<IConnectionMultiplexer>();
        _logger = logger;
    }

    public sealed record Record(DateTimeOffset At, string Who, string Change, RingSummary? OldRing, RingSummary? NewRing, string StateBase64);

    public sealed record RingSummary(long Epoch, int Partitions, IReadOnlyDictionary<string, int> PartitionsPerNode);

    public bool Connected => _redis?.IsConnected == true;

    public int Backlog => _pending.Reader.Count;

    public static RingSummary? Summary(Ring? ring) =>
        ring is null ? null : new RingSummary(ring.Epoch, ring.PartitionCount, ring.Members.ToDictionary(m => m.Id.Value, m => ring.PartitionsOwnedBy(m.Id)));

    /// <summary>Records every change between two views, attributed to <paramref name="who"/>.</summary>
    public void Changed(ClusterState before, ClusterState after, string who)
    {
        var changes = new List<string>();
        foreach (var (id, m) in after.Members)
        {
            var old = before.Member(id);
            if (old is null)
            {
                changes.Add($"{id} joined at {m.Address}");
            }
            else if (old.Status != m.Status)
            {
                changes.Add($"{id} is {m.Status.ToString().ToLowerInvariant()}");
            }
            else if (old.Address != m.Address)
            {
                changes.Add($"{id} moved to {m.Address}");
            }
        }

        foreach (var (name, t) in after.Tables)
        {
            if (!before.Tables.TryGetValue(name, out var old) || old != t)
            {
                changes.Add($"table {name} n={t.N} r={t.R} w={t.W}");
            }
        }

        bool ringChanged = after.Ring is not null && (before.Ring is null || before.Ring.CompareVersion(after.Ring) != 0);
        if (ringChanged)
        {
            changes.Add($"ring epoch {before.Ring?.Epoch ?? 0} -> {after.Ring!.Epoch}");
        }

        if (changes.Count == 0)
        {
            return;
        }

        _pending.Writer.TryWrite(new Record(
            DateTimeOffset.UtcNow,
            who,
            string.Join("; ", changes),
            ringChanged ? Summary(before.Ring) : null,
            ringChanged ? Summary(after.Ring) : null,
            Convert.ToBase64String(ClusterStateCodec.Encode(after))));
    }

    /// <summary>The last view saved, if Redis has one and answers.</summary>
    public async Task<ClusterState?> LoadAsync()
    {
        if (_redis is null)
        {
            return null;
        }

        var saved = await _redis.GetDatabase().StringGetAsync(StateKey);
        return saved.HasValue ? ClusterStateCodec.Decode(Convert.FromBase64String(saved.ToString())) : null;
    }

    public async Task<IReadOnlyList<JsonElement>> HistoryAsync(int limit)
    {
        if (_redis is null)
        {
            return [];
        }

        var items = await _redis.GetDatabase().ListRangeAsync(LogKey, -limit, -1);
        return [.. items.Select(i => JsonSerializer.Deserialize<JsonElement>(i.ToString()))];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_redis is null)
        {
            _logger.LogWarning("No Redis connection string (ConnectionStrings:cache): membership changes are not recorded");
            return;
        }

        while (await _pending.Reader.WaitToReadAsync(stoppingToken))
        {
            while (_pending.Reader.TryPeek(out var record))
            {
                try
                {
                    var db = _redis.GetDatabase();
                    var json = JsonSerializer.Serialize(record with { StateBase64 = "" }, JsonSerializerOptions.Web);
                    await db.ListRightPushAsync(LogKey, json);
                    await db.StringSetAsync(StateKey, record.StateBase64);
                    _pending.Reader.TryRead(out _);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    _logger.LogWarning("Redis unavailable ({Message}); {Count} membership records wait", ex.Message, _pending.Reader.Count);
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
            }
        }
    }
}
