using Dynamo.Core.AntiEntropy;
using Dynamo.Core.Membership;
using Dynamo.Core.Partitioning;
using Dynamo.Core.Replication;
using Dynamo.Core.Storage;
using Dynamo.Core.Versioning;

namespace Dynamo.Core.Runtime;

/// <summary>What the parts of one node share: options, environment, storage, the gossiped view, the failure detector.</summary>
internal sealed class NodeContext : IGossipHost
{
    private long _nextRequestId;

    public NodeContext(NodeOptions options, INodeEnvironment env, ReplicaStore store)
    {
        Options = options;
        Env = env;
        Store = store;
        Self = options.NodeId;
        Contexts = new CausalContext(options.ClusterSecret);
        Detector = new PhiAccrualFailureDetector(options.PhiThreshold, options.FailureDetectorMinStdDevMs, options.HeartbeatIntervalMs);
        DefaultTable = TableSettings.Default(options.DefaultN, options.DefaultR, options.DefaultW);
        Epochs = new EpochAllocator(store);
        Trees = new MerkleForest(this);

        // Request ids never repeat across restarts, so a late answer to a request of a previous run of
        // this node cannot be taken for the answer to a new one.
        _nextRequestId = env.Random.NextInt64(1, long.MaxValue / 2);
    }

    public NodeOptions Options { get; }

    public INodeEnvironment Env { get; }

    public ReplicaStore Store { get; }

    public NodeId Self { get; }

    public IReadOnlyList<NodeId> Seeds => Options.Seeds;

    public int MaxReplication => ReplicationFactors().Max;

    public CausalContext Contexts { get; }

    public PhiAccrualFailureDetector Detector { get; }

    public EpochAllocator Epochs { get; }

    public MerkleForest Trees { get; }

    public NodeStats Stats { get; } = new();

    public TableSettings DefaultTable { get; }

    public ClusterState State { get; set; } = ClusterState.Empty;

    public Ring? Ring => State.Ring;

    public long Now => Env.NowMs;

    public long NextRequestId() => _nextRequestId++;

    public bool IsAvailable(NodeId node) => node == Self || Detector.IsAvailable(node, Now);

    /// <summary>
    /// Sloppy quorum (§4.6): the first of the key's fallbacks, in ring order, that this coordination has not
    /// used yet and that looks available now; it is marked used.
    /// </summary>
    public NodeId? TakeFallback(PreferenceList preferenceList, HashSet<NodeId> used)
    {
        foreach (var f in preferenceList.Fallbacks)
        {
            if (!used.Contains(f) && IsAvailable(f))
            {
                used.Add(f);
                return f;
            }
        }

        return null;
    }

    public TableSettings? Table(string name) => State.Table(name, DefaultTable);

    /// <summary>N of the table a stored key belongs to, or 0 when the table is not known here yet.</summary>
    public int ReplicationOf(string table) => Table(table)?.N ?? 0;

    /// <summary>Every replication factor in use: the default and each table's.</summary>
    public SortedSet<int> ReplicationFactors()
    {
        var set = new SortedSet<int> { DefaultTable.N };
        foreach (var t in State.Tables.Values)
        {
            set.Add(t.N);
        }

        return set;
    }

    public void Send(NodeId to, Message message) => Env.Send(to, message);

    public void After(long delayMs, NodeTimer timer) => Env.SetTimer(delayMs, timer);
}
