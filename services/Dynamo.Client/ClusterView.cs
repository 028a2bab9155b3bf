using Dynamo.Core;
using Dynamo.Core.Membership;
using Dynamo.Core.Runtime;
using Dynamo.Core.Versioning;
using Dynamo.Protos.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dynamo.Client;

/// <summary>
/// A process's view of the cluster without joining it: a <see cref="ClusterObserver"/> (the same gossip
/// and failure detection as the storage nodes) hosted here. It holds no data; it knows the ring, the
/// tables and who seems reachable, which is all a router or a partition-aware client needs.
/// </summary>
public sealed class ClusterView : IDisposable
{
    private readonly StateMachineHost _host;
    private readonly ClusterObserver _observer;
    private readonly Dictionary<NodeId, string> _seeds = [];

    public ClusterView(PartitionAwareClientOptions options, ILogger? logger = null)
    {
        if (options.Validate() is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        foreach (var (id, url) in options.SeedAddresses())
        {
            _seeds[id] = url;
        }

        Self = new NodeId(options.NodeId);
        Options = options;
        Credentials = new ClusterCredentials(options.ClusterSecret);
        Channels = new PeerChannels();
        Contexts = new CausalContext(Credentials.Secret);
        DefaultTable = TableSettings.Default(options.DefaultN, options.DefaultR, options.DefaultW);
        _host = new StateMachineHost(Self, AddressOf, Channels, Credentials, new FaultState(), TimeProvider.System, logger ?? NullLogger.Instance);
        _observer = new ClusterObserver(Self, [.. _seeds.Keys], _host, options.GossipIntervalMs, options.HeartbeatIntervalMs);
        _host.Machine = _observer;
    }

    public NodeId Self { get; }

    public PartitionAwareClientOptions Options { get; }

    public ClusterCredentials Credentials { get; }

    public PeerChannels Channels { get; }

    public CausalContext Contexts { get; }

    public TableSettings DefaultTable { get; }

    public ClusterState State => _observer.State;

    public void Start() => _host.Run(_ => _observer.Start());

    /// <summary>Waits until the ring is known (the view came from a seed or a node).</summary>
    public async Task WaitForRingAsync(TimeSpan timeout, CancellationToken cancellation = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (State.Ring is null)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No ring learned from {string.Join(", ", _seeds.Values)} within {timeout}.");
            }

            await Task.Delay(50, cancellation);
        }
    }

    public string? AddressOf(NodeId id) =>
        _observer.State.Member(id) is { Address.Length: > 0 } m ? m.Address : _seeds.GetValueOrDefault(id);

    public bool IsAvailable(NodeId id) => _host.Read(_ => _observer.IsAvailable(id));

    public IReadOnlyDictionary<NodeId, double> Phi() => _host.Read(_ => _observer.Phi().ToDictionary(p => p.Peer, p => p.Phi));

    public TableSettings? Table(string name) => _observer.State.Table(name, DefaultTable);

    /// <summary>A node did not answer: avoid it until it is heard from again.</summary>
    public void Suspect(NodeId id) => _host.Run(_ => _observer.Handle(id, new DeliveryFailed(0)));

    /// <summary>Merges table settings a node reported, so the next request already knows them.</summary>
    public void Learn(TableSettings table) => _host.Run(_ => _observer.Merge(_observer.State.WithTable(table)));

    public void Dispose()
    {
        _host.Dispose();
        Channels.Dispose();
    }
}
