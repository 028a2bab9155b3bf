using Dynamo.Core;
using Dynamo.Core.Runtime;

namespace Dynamo.Simulation;

/// <summary>
/// The simulated network: every message gets a latency; it may be dropped, duplicated, or held back
/// (which reorders it); nodes on different sides of a partition cannot talk. All randomness comes from
/// the run's seeded source.
/// </summary>
public sealed class SimNetwork
{
    private readonly Simulator _sim;
    private readonly Random _random;
    private readonly Dictionary<NodeId, int> _side = [];

    public SimNetwork(Simulator sim, Random random)
    {
        _sim = sim;
        _random = random;
    }

    public double DropRate { get; set; }

    public double DuplicateRate { get; set; }

    /// <summary>Probability that a message is held back by up to <see cref="MaxDelayMs"/> (reordering it).</summary>
    public double DelayRate { get; set; }

    public long MaxDelayMs { get; set; } = 400;

    public long MessagesSent { get; private set; }

    public long MessagesDropped { get; private set; }

    /// <summary>Called for each delivery: (from, to, message). The cluster routes it.</summary>
    public Action<NodeId, NodeId, Message>? Deliver { get; set; }

    /// <summary>
    /// The connection a message to a node travels on: the node's incarnation while it is up, 0 while it is
    /// down. A message outlives no connection: one sent to an incarnation that has crashed or restarted
    /// before it arrives is lost, as on a TCP connection the process's death cut; the sender learns that
    /// its request failed, not whether it was handled. Without this, a delayed copy of a request could
    /// reach the restarted process, which no longer remembers having served it.
    /// </summary>
    public Func<NodeId, int>? Connection { get; set; }

    /// <summary>A hook to observe every message sent (the run digest, planted faults).</summary>
    public Func<NodeId, NodeId, Message, bool>? Intercept { get; set; }

    /// <summary>Splits nodes into sides; nodes not named stay on side 0 (where clients are).</summary>
    public void Partition(IEnumerable<IEnumerable<NodeId>> sides)
    {
        _side.Clear();
        int s = 1;
        foreach (var group in sides)
        {
            foreach (var n in group)
            {
                _side[n] = s;
            }

            s++;
        }
    }

    public void Heal() => _side.Clear();

    public bool CanTalk(NodeId a, NodeId b) => Side(a) == Side(b) || IsClient(a) || IsClient(b);

    public static bool IsClient(NodeId id) => id.Value.StartsWith("client", StringComparison.Ordinal);

    private int Side(NodeId n) => _side.TryGetValue(n, out int s) ? s : 0;

    /// <summary>Tells <paramref name="to"/> that its request to <paramref name="from"/> failed (after a network delay).</summary>
    public void Fail(NodeId from, NodeId to, long requestId, bool mayHaveArrived)
    {
        if (CanTalk(from, to))
        {
            _sim.After(1 + _random.Next(5), () => Deliver?.Invoke(from, to, new DeliveryFailed(requestId, mayHaveArrived)));
        }
    }

    public void Send(NodeId from, NodeId to, Message message)
    {
        MessagesSent++;
        if (Intercept is { } intercept && !intercept(from, to, message))
        {
            MessagesDropped++;
            return;
        }

        if (!CanTalk(from, to) || _random.NextDouble() < DropRate)
        {
            MessagesDropped++;
            return;
        }

        int connection = Connection?.Invoke(to) ?? 0;
        int copies = _random.NextDouble() < DuplicateRate ? 2 : 1;
        for (int i = 0; i < copies; i++)
        {
            long latency = 1 + _random.Next(5);
            if (_random.NextDouble() < DelayRate)
            {
                latency += _random.NextInt64(MaxDelayMs);
            }

            _sim.After(latency, () =>
            {
                // A partition that formed while the message was in flight cuts it too.
                if (!CanTalk(from, to))
                {
                    return;
                }

                if (Connection is { } current && current(to) != connection)
                {
                    // Sent while the node was down: refused at connect, nothing arrived. Sent to an
                    // incarnation that has died since: the call broke, and it may have been handled.
                    if (message is IRequest request)
                    {
                        Fail(to, from, request.RequestId, mayHaveArrived: connection != 0);
                    }

                    return;
                }

                Deliver?.Invoke(from, to, message);
            });
        }
    }
}
