namespace Dynamo.Core.Runtime;

/// <summary>
/// Counters of what a node did, read by the hosts' metrics (DESIGN §8) and by the simulator's summary.
/// Written only by the node's own (serialized) logic; readers may see slightly stale values.
/// </summary>
public sealed class NodeStats
{
    public long Reads;
    public long Writes;
    public long Forwards;
    public long QuorumFailures;
    public long SiblingsReturned;
    public long ReadRepairs;
    public long HintsStored;
    public long HintsDelivered;
    public long HandoffKeysSent;
    public long AntiEntropyExchanges;
    public long AntiEntropyKeysExchanged;
    public long AntiEntropyBytes;
    public long TombstonesReaped;
    public long GossipRounds;
    public long RingChanges;

    /// <summary>Adds these counters into <paramref name="total"/> (a node's history across restarts).</summary>
    public void AddTo(NodeStats total)
    {
        total.Reads += Reads;
        total.Writes += Writes;
        total.Forwards += Forwards;
        total.QuorumFailures += QuorumFailures;
        total.SiblingsReturned += SiblingsReturned;
        total.ReadRepairs += ReadRepairs;
        total.HintsStored += HintsStored;
        total.HintsDelivered += HintsDelivered;
        total.HandoffKeysSent += HandoffKeysSent;
        total.AntiEntropyExchanges += AntiEntropyExchanges;
        total.AntiEntropyKeysExchanged += AntiEntropyKeysExchanged;
        total.AntiEntropyBytes += AntiEntropyBytes;
        total.TombstonesReaped += TombstonesReaped;
        total.GossipRounds += GossipRounds;
        total.RingChanges += RingChanges;
    }
}
