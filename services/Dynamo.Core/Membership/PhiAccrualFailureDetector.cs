namespace Dynamo.Core.Membership;

/// <summary>
/// The phi-accrual failure detector (Hayashibara, Défago, Yared, Katayama, 2004), fed by every message
/// that arrives from a peer. Instead of a yes/no verdict it gives phi = -log10 P(a heartbeat is still
/// to come after this silence), under a normal model of the recent inter-arrival times; a peer whose
/// phi exceeds the threshold is avoided, never removed (§4.8.3: failure detection only steers routing
/// around unreachable nodes; the ring changes only by explicit commands). A peer never heard from is
/// measured from when we first expected it. Not thread-safe: the owning node serializes calls.
/// </summary>
public sealed class PhiAccrualFailureDetector
{
    private const int WindowSize = 100;

    private readonly SortedDictionary<NodeId, History> _peers = [];
    private readonly double _threshold;
    private readonly double _minStdDev;
    private readonly double _expectedIntervalMs;

    public PhiAccrualFailureDetector(double threshold, long minStdDevMs, long expectedIntervalMs)
    {
        _threshold = threshold;
        _minStdDev = minStdDevMs;
        _expectedIntervalMs = expectedIntervalMs;
    }

    private sealed class History(long since, double bootstrapMean)
    {
        public readonly Queue<double> Intervals = new();
        public double Sum = bootstrapMean;
        public double SumSquares = bootstrapMean * bootstrapMean;
        public long Last = since;
        public bool Heard;
        public long SuspectUntil;
    }

    /// <summary>Starts watching a peer (idempotent): silence is measured from now until it is first heard.</summary>
    public void Watch(NodeId peer, long now)
    {
        if (!_peers.ContainsKey(peer))
        {
            var h = new History(now, _expectedIntervalMs);
            h.Intervals.Enqueue(_expectedIntervalMs);
            _peers[peer] = h;
        }
    }

    /// <summary>Records that something arrived from <paramref name="peer"/>.</summary>
    public void Heartbeat(NodeId peer, long now)
    {
        Watch(peer, now);
        var h = _peers[peer];
        h.SuspectUntil = 0;
        if (h.Heard)
        {
            double interval = Math.Max(0, now - h.Last);
            h.Intervals.Enqueue(interval);
            h.Sum += interval;
            h.SumSquares += interval * interval;
            if (h.Intervals.Count > WindowSize)
            {
                double old = h.Intervals.Dequeue();
                h.Sum -= old;
                h.SumSquares -= old * old;
            }
        }

        h.Heard = true;
        h.Last = now;
    }

    /// <summary>Direct evidence (a refused connection): treat the peer as down until it is heard again or the window ends.</summary>
    public void Suspect(NodeId peer, long now, long forMs)
    {
        Watch(peer, now);
        _peers[peer].SuspectUntil = now + forMs;
    }

    public double Phi(NodeId peer, long now)
    {
        if (!_peers.TryGetValue(peer, out var h))
        {
            return 0;
        }

        int n = h.Intervals.Count;
        double mean = h.Sum / n;
        double variance = Math.Max(0, (h.SumSquares / n) - (mean * mean));
        double std = Math.Max(Math.Sqrt(variance), _minStdDev);
        double elapsed = now - h.Last;

        // Logistic approximation of the normal CDF (as Akka and Cassandra use), accurate to ~1e-4.
        double y = (elapsed - mean) / std;
        double e = Math.Exp(-y * (1.5976 + (0.070566 * y * y)));
        double phi = elapsed > mean ? -Math.Log10(e / (1.0 + e)) : -Math.Log10(1.0 - (1.0 / (1.0 + e)));
        return double.IsFinite(phi) ? phi : 1000;
    }

    public bool IsAvailable(NodeId peer, long now)
    {
        if (_peers.TryGetValue(peer, out var h) && h.SuspectUntil > now)
        {
            return false;
        }

        return Phi(peer, now) < _threshold;
    }

    public IEnumerable<(NodeId Peer, double Phi)> Snapshot(long now)
    {
        foreach (var peer in _peers.Keys)
        {
            yield return (peer, Phi(peer, now));
        }
    }

    public void Forget(NodeId peer) => _peers.Remove(peer);
}
