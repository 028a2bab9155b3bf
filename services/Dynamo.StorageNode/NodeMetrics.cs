using System.Diagnostics.Metrics;
using Dynamo.Core.Storage;

namespace Dynamo.StorageNode;

/// <summary>
/// A storage node's gauges and counters (DESIGN §8), read from the node's own counters when the exporter
/// collects: nothing is added to the request path. Histograms of request and replica latency come from
/// Core (<see cref="Dynamo.Core.Telemetry.NodeTelemetry"/>).
/// </summary>
public sealed class NodeMetrics : IDisposable
{
    public const string Name = "Dynamo.StorageNode";
    private const int MaxHintsCounted = 100_000;

    private readonly Meter _meter = new(Name, "1.0");

    public NodeMetrics(NodeRuntime runtime)
    {
        Func<Dynamo.Core.Runtime.NodeStats> stats = () => runtime.Node.Stats;
        Counter("dynamo.read_repairs", "{repair}", "Stale replicas repaired after reads.", () => stats().ReadRepairs);
        Counter("dynamo.hints.stored", "{hint}", "Versions kept as hints for a down owner.", () => stats().HintsStored);
        Counter("dynamo.hints.delivered", "{hint}", "Hints handed back to their owner and deleted.", () => stats().HintsDelivered);
        Counter("dynamo.anti_entropy.exchanges", "{exchange}", "Merkle tree comparisons started.", () => stats().AntiEntropyExchanges);
        Counter("dynamo.anti_entropy.keys", "{key}", "Keys repaired by anti-entropy.", () => stats().AntiEntropyKeysExchanged);
        Counter("dynamo.anti_entropy.bytes", "By", "Bytes exchanged by anti-entropy (hashes, key lists, objects).", () => stats().AntiEntropyBytes);
        Counter("dynamo.handoff.keys", "{key}", "Keys streamed to their new owners after a ring change.", () => stats().HandoffKeysSent);
        Counter("dynamo.tombstones.reaped", "{key}", "Tombstones garbage-collected.", () => stats().TombstonesReaped);
        Counter("dynamo.requests.forwarded", "{request}", "Requests forwarded to a primary of the key.", () => stats().Forwards);
        Counter("dynamo.quorum.failures", "{request}", "Requests answered 503 because R or W replicas did not answer.", () => stats().QuorumFailures);
        Counter("dynamo.gossip.rounds", "{round}", "Gossip rounds started.", () => stats().GossipRounds);

        _meter.CreateObservableGauge("dynamo.hints.pending", () => CountHints(runtime.Engine), "{hint}", "Hints held here for other nodes, waiting for delivery.");
        _meter.CreateObservableGauge("dynamo.storage.bytes", () => runtime.Engine.ApproximateBytes, "By", "Approximate bytes held by the storage engine.");
        _meter.CreateObservableGauge("dynamo.partitions.owned", () => runtime.Node.State.Ring?.PartitionsOwnedBy(runtime.Node.Id) ?? 0, "{partition}", "Partitions this node owns on the ring.");
        _meter.CreateObservableGauge(
            "dynamo.phi",
            () => runtime.Host.Read(_ => runtime.Node.Phi().Select(p => new Measurement<double>(Math.Min(p.Phi, 1000), new KeyValuePair<string, object?>("dynamo.peer", p.Peer.Value))).ToList()),
            "{phi}",
            "Phi-accrual suspicion of each peer (above 8: treated as down).");
    }

    private void Counter(string name, string unit, string description, Func<long> read) =>
        _meter.CreateObservableCounter(name, read, unit, description);

    private static int CountHints(IStorageEngine engine) =>
        engine.Scan(StoreSpace.Hints, [], [], MaxHintsCounted).Count;

    public void Dispose() => _meter.Dispose();
}
