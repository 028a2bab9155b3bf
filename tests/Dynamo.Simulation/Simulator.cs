namespace Dynamo.Simulation;

/// <summary>
/// The event loop of a simulated run: one thread, a priority queue ordered by simulated time and then by
/// scheduling order. Nothing else decides what happens next, so a seed replays exactly (FoundationDB's
/// approach, DESIGN §10).
/// </summary>
public sealed class Simulator
{
    private readonly PriorityQueue<Action, (long Time, long Seq)> _queue = new();
    private long _seq;

    public long Now { get; private set; }

    public long EventsProcessed { get; private set; }

    public int Pending => _queue.Count;

    public void At(long time, Action action) => _queue.Enqueue(action, (Math.Max(time, Now), _seq++));

    public void After(long delay, Action action) => At(Now + Math.Max(0, delay), action);

    /// <summary>Runs every event scheduled before <paramref name="time"/>, then sets the clock to it.</summary>
    public void RunUntil(long time)
    {
        while (_queue.TryPeek(out _, out var key) && key.Time < time)
        {
            var action = _queue.Dequeue();
            Now = key.Time;
            EventsProcessed++;
            action();
        }

        Now = Math.Max(Now, time);
    }
}
