using Dynamo.Protos.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Dynamo.Integration.Tests;

/// <summary>
/// <see cref="TimerHeap{T}"/>, the storage node's timers on one runtime timer: every entry fires once, none
/// before its time, earliest first, and an entry earlier than all pending ones still fires on time.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TimerHeapTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<List<string>> _batches = [];

    private TimerHeap<string> NewHeap() => new(_time, due =>
    {
        lock (_batches)
        {
            _batches.Add(due);
        }
    });

    private List<string> Fired() => [.. _batches.SelectMany(b => b)];

    [Fact]
    public void EntriesFireInDueOrderAndNoneBeforeItsTime()
    {
        using var heap = NewHeap();
        heap.Schedule(300, "a");
        heap.Schedule(100, "b");
        heap.Schedule(200, "c");

        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Empty(Fired());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["b"], Fired());
        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Equal(["b"], Fired());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["b", "c"], Fired());
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(["b", "c", "a"], Fired());
        Assert.Equal(0, heap.Count);
    }

    [Fact]
    public void EntriesDueTogetherFireInOneBatch()
    {
        using var heap = NewHeap();
        foreach (var name in new[] { "x", "y", "z" })
        {
            heap.Schedule(50, name);
        }

        heap.Schedule(40, "w");
        _time.Advance(TimeSpan.FromMilliseconds(60));
        var batch = Assert.Single(_batches);
        Assert.Equal("w", batch[0]);
        Assert.Equal(["x", "y", "z"], batch.Skip(1).Order());
    }

    [Fact]
    public void AnEntryEarlierThanEveryPendingOneReArmsTheTimer()
    {
        using var heap = NewHeap();
        heap.Schedule(1_000, "late");
        heap.Schedule(10, "early");
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(["early"], Fired());
        _time.Advance(TimeSpan.FromMilliseconds(990));
        Assert.Equal(["early", "late"], Fired());
    }

    [Fact]
    public void ThousandsOfDeadlinesFireExactlyOnceEachAndNeverEarly()
    {
        var rng = new Random(7);
        var dueAt = new Dictionary<string, long>();
        var firedAt = new Dictionary<string, long>();
        long now = 0;
        using var heap = new TimerHeap<string>(_time, due =>
        {
            foreach (var name in due)
            {
                Assert.True(firedAt.TryAdd(name, now), $"{name} fired twice");
            }
        });

        // Deadlines arrive while time moves, as a coordinator's do: mostly 500 ms ahead, some sooner or later.
        for (int i = 0; i < 5_000; i++)
        {
            long delay = rng.Next(10) switch { 0 => rng.Next(1, 50), 1 => rng.Next(1_000, 2_000), _ => 500 };
            heap.Schedule(delay, "t" + i);
            dueAt["t" + i] = now + delay;
            if (i % 10 == 0)
            {
                now += 1;
                _time.Advance(TimeSpan.FromMilliseconds(1));
            }
        }

        while (heap.Count > 0)
        {
            now += 1;
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(dueAt.Count, firedAt.Count);
        Assert.All(dueAt, d => Assert.InRange(firedAt[d.Key], d.Value, d.Value + 1));
    }

    [Fact]
    public void NothingFiresAfterDispose()
    {
        var heap = NewHeap();
        heap.Schedule(10, "a");
        heap.Dispose();
        heap.Schedule(10, "b");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(Fired());
    }
}
