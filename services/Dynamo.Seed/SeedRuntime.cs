using Dynamo.Core;
using Dynamo.Core.Membership;
using Dynamo.Protos;
using Dynamo.Protos.Hosting;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Dynamo.Seed;

/// <summary>
/// The seed: a gossip participant that is every node's bootstrap contact (§4.8.2), admits joining nodes,
/// takes administrative decommissions, and hands every change of the view to the <see cref="MembershipLog"/>.
/// When it restarts it reads the last recorded view back from Redis before answering anyone.
/// </summary>
public sealed class SeedRuntime : IHostedService, IDisposable
{
    private readonly SeedOptions _options;
    private readonly MembershipLog _log;
    private readonly ILogger<SeedRuntime> _logger;
    private readonly Dictionary<NodeId, string> _seeds = [];
    private readonly StateMachineHost _host;
    private readonly ClusterObserver _observer;
    private string _who = "gossip";

    public SeedRuntime(IOptions<SeedOptions> options, ClusterCredentials credentials, PeerChannels channels, FaultState faults, MembershipLog log, ILogger<SeedRuntime> logger)
    {
        _options = options.Value;
        _log = log;
        _logger = logger;
        foreach (var s in _options.Seeds)
        {
            int eq = s.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                _seeds[new NodeId(s[..eq])] = s[(eq + 1)..].TrimEnd('/');
            }
        }

        var self = new NodeId(_options.NodeId);
        _host = new StateMachineHost(self, AddressOf, channels, credentials, faults, TimeProvider.System, logger);
        _observer = new ClusterObserver(self, [.. _seeds.Keys], _host, _options.GossipIntervalMs, _options.HeartbeatIntervalMs);
        _observer.Changed += (before, after) => _log.Changed(before, after, _who);
        _host.Machine = _observer;
    }

    public StateMachineHost Host => _host;

    /// <summary>What the seed read back from Redis when it started (null: nothing, or Redis was down).</summary>
    public (int Members, long RingEpoch)? Restored { get; private set; }

    public ClusterState State => _observer.State;

    public bool IsAvailable(NodeId id) => _host.Read(_ => _observer.IsAvailable(id));

    private string? AddressOf(NodeId id) =>
        _observer.State.Member(id) is { Address.Length: > 0 } m ? m.Address : _seeds.GetValueOrDefault(id);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await _log.LoadAsync() is { } saved)
            {
                _host.Run(_ => _observer.Merge(saved));
                Restored = (saved.Members.Count, saved.Ring?.Epoch ?? 0);
                _logger.LogInformation("Membership restored from Redis: {Members} members, ring epoch {Epoch}", saved.Members.Count, saved.Ring?.Epoch ?? 0);
            }
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            _logger.LogWarning("Redis unavailable at start ({Message}); the view will come from gossip", ex.Message);
        }

        _host.Run(_ => _observer.Start());
    }

    /// <summary>A node asks to join (auto-join on start): it is admitted as joining and the view goes back to it.</summary>
    public Task<GossipReply> JoinAsync(JoinRequest request, ServerCallContext context)
    {
        var caller = ClusterAuthInterceptor.Caller(context);
        if (caller.Value != request.NodeId || !Uri.TryCreate(request.Address, UriKind.Absolute, out _) || request.Capacity is < 1 or > 10_000)
        {
            throw ProtoMapper.Invalid("a node joins as itself, with an absolute address and a capacity of 1 to 10000");
        }

        var node = new NodeId(request.NodeId);
        _host.Run(_ =>
        {
            _who = "node:" + node;
            _observer.Admit(new MemberState(node, request.Address, MemberStatus.Joining, request.Capacity, string.IsNullOrEmpty(request.Zone) ? null : request.Zone, request.Incarnation, 0));
            _who = "gossip";
        });
        return Task.FromResult(new GossipReply { State = ProtoMapper.Bytes(_observer.State) });
    }

    /// <summary>Administrative decommission; false when the node is unknown or already leaving.</summary>
    public bool Decommission(NodeId node)
    {
        bool marked = false;
        _host.Run(_ =>
        {
            _who = "admin";
            marked = _observer.MarkLeaving(node);
            _who = "gossip";
        });
        return marked;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _host.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _host.Dispose();
}
