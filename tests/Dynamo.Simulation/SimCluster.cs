using Dynamo.Core;
using Dynamo.Core.Runtime;
using Dynamo.Core.Storage;

namespace Dynamo.Simulation;

/// <summary>
/// The simulated nodes. A node's storage engine outlives crashes, as a disk does; its in-memory state
/// (the <see cref="DynamoNode"/>, its timers, its in-flight operations) dies with it. Each node has its
/// own clock skew and its own seeded random source.
/// </summary>
public sealed class SimCluster
{
    private readonly Simulator _sim;
    private readonly SimNetwork _net;
    private readonly Random _random;
    private readonly Func<NodeId, NodeOptions> _options;
    private readonly Func<IStorageEngine, IStorageEngine> _wrapStorage;
    private readonly SortedDictionary<NodeId, SimNode> _nodes = [];

    public SimCluster(Simulator sim, SimNetwork net, Random random, Func<NodeId, NodeOptions> options, Func<IStorageEngine, IStorageEngine>? wrapStorage = null)
    {
        _sim = sim;
        _net = net;
        _random = random;
        _options = options;
        _wrapStorage = wrapStorage ?? (e => e);
    }

    public IEnumerable<SimNode> Nodes => _nodes.Values;

    public SimNode this[NodeId id] => _nodes[id];

    public bool Contains(NodeId id) => _nodes.ContainsKey(id);

    /// <summary>Client endpoints: messages to these go to the registered handler.</summary>
    public Dictionary<NodeId, Action<NodeId, Message>> Clients { get; } = [];

    public SimNode Add(NodeId id, long skewMs)
    {
        var node = new SimNode(this, id, skewMs, _wrapStorage(new InMemoryStorageEngine()));
        _nodes[id] = node;
        return node;
    }

    /// <summary>The connection to a node (<see cref="SimNetwork.Connection"/>); clients never restart.</summary>
    public int ConnectionOf(NodeId id) => _nodes.TryGetValue(id, out var node) ? node.Connection : -1;

    public void Deliver(NodeId from, NodeId to, Message message)
    {
        if (_nodes.TryGetValue(to, out var node))
        {
            node.Receive(from, message);
        }
        else if (Clients.TryGetValue(to, out var client))
        {
            client(from, message);
        }
    }

    /// <summary>One simulated storage node.</summary>
    public sealed class SimNode
    {
        private readonly SimCluster _cluster;
        private int _incarnation;

        internal SimNode(SimCluster cluster, NodeId id, long skewMs, IStorageEngine storage)
        {
            _cluster = cluster;
            Id = id;
            SkewMs = skewMs;
            Storage = storage;
        }

        public NodeId Id { get; }

        public long SkewMs { get; }

        public IStorageEngine Storage { get; }

        public DynamoNode? Node { get; private set; }

        public bool IsUp => Node is not null;

        /// <summary>This incarnation's number while up, 0 while down.</summary>
        public int Connection => Node is null ? 0 : _incarnation;

        /// <summary>Set when an administrator decommissioned it and it was stopped for good.</summary>
        public bool Retired { get; set; }

        public int Crashes { get; private set; }

        // Requests this incarnation received and has not answered yet: if it crashes, their senders see
        // the call fail without knowing whether it was handled (a gRPC call cut by a dying process).
        private readonly HashSet<(NodeId From, long RequestId)> _unanswered = [];

        /// <summary>Counters of every incarnation of this node so far.</summary>
        public NodeStats TotalStats()
        {
            var total = new NodeStats();
            _before.AddTo(total);
            Node?.Stats.AddTo(total);
            return total;
        }

        private readonly NodeStats _before = new();

        public void Start()
        {
            if (Node is not null)
            {
                return;
            }

            _incarnation++;
            var env = new Environment(this, _incarnation, new Random(_cluster._random.Next()));
            Node = new DynamoNode(_cluster._options(Id), env, Storage);
            Node.Start();
        }

        public void Crash()
        {
            if (Node is null)
            {
                return;
            }

            Node.Stats.AddTo(_before);
            Node = null;
            Crashes++;
            foreach (var (from, requestId) in _unanswered.OrderBy(u => u.RequestId))
            {
                _cluster._net.Fail(Id, from, requestId, mayHaveArrived: true);
            }

            _unanswered.Clear();
        }

        internal void Receive(NodeId from, Message message)
        {
            if (Node is null)
            {
                // A crashed process refuses connections: the caller learns at once that nothing arrived.
                if (message is IRequest refused)
                {
                    _cluster._net.Fail(Id, from, refused.RequestId, mayHaveArrived: false);
                }

                return;
            }

            if (message is IRequest request)
            {
                _unanswered.Add((from, request.RequestId));
            }

            Node.Handle(from, message);
        }

        private sealed class Environment(SimNode node, int incarnation, Random random) : INodeEnvironment
        {
            public long NowMs => node._cluster._sim.Now + node.SkewMs;

            public Random Random { get; } = random;

            public void Send(NodeId to, Message message)
            {
                if (node._incarnation == incarnation)
                {
                    if (message is IResponse response)
                    {
                        node._unanswered.Remove((to, response.RequestId));
                    }

                    node._cluster._net.Send(node.Id, to, message);
                }
            }

            public void SetTimer(long delayMs, NodeTimer timer) =>
                node._cluster._sim.After(delayMs, () =>
                {
                    if (node._incarnation == incarnation)
                    {
                        node.Node?.OnTimer(timer);
                    }
                });
        }
    }
}
