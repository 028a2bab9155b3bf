using Dynamo.Core;
using Dynamo.Core.Storage;
using Dynamo.Protos;
using Dynamo.Protos.Hosting;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Dynamo.StorageNode;

/// <summary>
/// The storage node process around <see cref="DynamoNode"/>: opens the storage engine, starts the state
/// machine under a <see cref="StateMachineHost"/>, runs group commit, and asks the seed to admit the
/// node (auto-join, DESIGN §5). If the seed cannot be reached the node keeps gossiping with the peers it
/// remembers; the seed is only a contact point.
/// </summary>
public sealed class NodeRuntime : IHostedService, IDisposable
{
    private readonly StorageNodeOptions _options;
    private readonly ClusterCredentials _credentials;
    private readonly PeerChannels _channels;
    private readonly FaultState _faults;
    private readonly ILogger<NodeRuntime> _logger;
    private readonly IReadOnlyDictionary<NodeId, string> _seeds;
    private readonly CancellationTokenSource _stopping = new();
    private IStorageEngine? _engine;
    private StateMachineHost? _host;
    private DynamoNode? _node;
    private GroupCommit? _groupCommit;
    private Task _join = Task.CompletedTask;

    public NodeRuntime(IOptions<StorageNodeOptions> options, ClusterCredentials credentials, PeerChannels channels, FaultState faults, ILogger<NodeRuntime> logger)
    {
        _options = options.Value;
        _credentials = credentials;
        _channels = channels;
        _faults = faults;
        _logger = logger;
        _seeds = _options.SeedAddresses();
    }

    public StateMachineHost Host => _host ?? throw new InvalidOperationException("The node has not started.");

    public DynamoNode Node => _node ?? throw new InvalidOperationException("The node has not started.");

    public IStorageEngine Engine => _engine ?? throw new InvalidOperationException("The node has not started.");

    public IDurabilityBarrier Durability => (IDurabilityBarrier?)_groupCommit ?? NoDurabilityBarrier.Instance;

    public StorageNodeOptions Options => _options;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _engine = _options.StorageEngine == "inmemory"
            ? new InMemoryStorageEngine()
            : new RocksDbStorageEngine(_options.ResolvedDataDirectory, _options.Fsync);
        _groupCommit = new GroupCommit(_engine, TimeSpan.FromMilliseconds(_options.GroupCommitDelayMs));
        var self = new NodeId(_options.NodeId);
        _host = new StateMachineHost(self, AddressOf, _channels, _credentials, _faults, TimeProvider.System, _logger);
        _node = new DynamoNode(_options.ToNodeOptions(_credentials.Secret), _host, _engine);
        _host.Machine = _node;
        _node.StateChanged += LogChange;
        _host.Run(_ => _node.Start());
        _logger.LogInformation(
            "Node {Node} started: {Engine} engine{Dir}, fsync {Fsync}, gRPC at {Address}, Q={Q}",
            self,
            _engine.Name,
            _engine is RocksDbStorageEngine ? " in " + Path.GetFullPath(_options.ResolvedDataDirectory) : "",
            _options.Fsync,
            _options.ResolvedAddress,
            _options.PartitionCount);
        _join = Task.Run(() => JoinAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    // Membership and ring changes are rare and worth a line each; requests are never logged one by one.
    private void LogChange(Dynamo.Core.Membership.ClusterState before, Dynamo.Core.Membership.ClusterState after)
    {
        if (after.Ring is { } ring && (before.Ring is null || before.Ring.CompareVersion(ring) != 0))
        {
            _logger.LogInformation("Ring epoch {Old} -> {New}: {Members} members, this node owns {Owned} of {Q} partitions", before.Ring?.Epoch ?? 0, ring.Epoch, ring.Members.Count, ring.PartitionsOwnedBy(_node!.Id), ring.PartitionCount);
        }

        foreach (var (id, m) in after.Members)
        {
            if (before.Member(id)?.Status != m.Status)
            {
                _logger.LogInformation("Member {Node} is {Status}", id, m.Status);
            }
        }
    }

    private string? AddressOf(NodeId id)
    {
        if (_node?.State.Member(id) is { Address.Length: > 0 } m)
        {
            return m.Address;
        }

        return _seeds.TryGetValue(id, out var url) ? url : null;
    }

    // Ask a seed to admit us until one answers; the answer (the seed's view) is merged in.
    private async Task JoinAsync(CancellationToken stop)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stop.IsCancellationRequested && _seeds.Count > 0)
        {
            foreach (var (id, url) in _seeds)
            {
                try
                {
                    var me = _node!.State.Member(_node.Id)!;
                    var reply = await new Membership.MembershipClient(_channels.For(url)).JoinAsync(
                        new JoinRequest { NodeId = me.Id.Value, Address = me.Address, Capacity = me.Capacity, Zone = me.Zone ?? "", Incarnation = me.Incarnation },
                        new CallOptions(_credentials.Headers(_node.Id), DateTime.UtcNow.AddSeconds(5), stop));
                    var state = ProtoMapper.State(reply.State);
                    _host!.Run(_ => _node.Learn(state));
                    _logger.LogInformation("Admitted by seed {Seed} at {Url}", id, url);
                    return;
                }
                catch (RpcException ex) when (!stop.IsCancellationRequested)
                {
                    _logger.LogDebug("Seed {Seed} at {Url} did not answer: {Status}", id, url, ex.StatusCode);
                }
            }

            try
            {
                await Task.Delay(delay, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromMilliseconds(Math.Min(5_000, delay.TotalMilliseconds * 2));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _join.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _host?.Dispose();
        _groupCommit?.Dispose();
        _engine?.Dispose();
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _groupCommit?.Dispose();
    }
}
