namespace Dynamo.Protos.Hosting;

/// <summary>
/// A node's timers on one runtime timer: a min-heap of due times and one <see cref="ITimer"/> armed for
/// the earliest. A coordinator sets a deadline for every request it runs (§4.5's replica timeout) and
/// never cancels one, so a busy node has thousands pending. As runtime timers each cost allocations, a
/// slot in the runtime's timer list (walked each time one fires) and a lock round of their own, they took
/// 2.6 % of a node's CPU in <c>TimerQueue.FireNextTimers</c> alone. Here the entries that are due fire
/// together, in due order, in one callback.
/// </summary>
public sealed class TimerHeap<T> : IDisposable
{
    private readonly PriorityQueue<T, long> _heap = new();
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Action<List<T>> _fire;
    private readonly ITimer _timer;
    private readonly long _start;
    private long _armedFor = long.MaxValue;
    private bool _disposed;

    /// <param name="time">The clock and the source of the one runtime timer.</param>
    /// <param name="fire">Called with the entries that are due, earliest first; never under this heap's lock.</param>
    public TimerHeap(TimeProvider time, Action<List<T>> fire)
    {
        _time = time;
        _fire = fire;
        _start = time.GetTimestamp();
        _timer = time.CreateTimer(static s => ((TimerHeap<T>)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Entries not yet fired.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _heap.Count;
            }
        }
    }

    private long NowMs => (long)_time.GetElapsedTime(_start).TotalMilliseconds;

    /// <summary>Fires <paramref name="item"/> once, no sooner than <paramref name="delayMs"/> (at least 1) from now.</summary>
    public void Schedule(long delayMs, T item)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            long due = NowMs + Math.Max(1, delayMs);
            _heap.Enqueue(item, due);
            if (due < _armedFor)
            {
                Arm(due);
            }
        }
    }

    // Under _gate. Deadlines mostly arrive in due order, so the timer is re-armed only when the earliest changes.
    private void Arm(long due)
    {
        _armedFor = due;
        _timer.Change(TimeSpan.FromMilliseconds(Math.Max(1, due - NowMs)), Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        List<T>? due = null;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            long now = NowMs;
            while (_heap.TryPeek(out var item, out long at) && at <= now)
            {
                _heap.Dequeue();
                (due ??= []).Add(item);
            }

            // The runtime timer may run a little early on this clock: then nothing is due and it is re-armed.
            _armedFor = long.MaxValue;
            if (_heap.TryPeek(out _, out long next))
            {
                Arm(next);
            }
        }

        if (due is not null)
        {
            _fire(due);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _heap.Clear();
        }

        _timer.Dispose();
    }
}
