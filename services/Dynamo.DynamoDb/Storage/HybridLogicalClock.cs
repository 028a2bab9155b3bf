using System.Globalization;

namespace Dynamo.DynamoDb.Storage;

/// <summary>
/// A hybrid logical clock timestamp: physical milliseconds since the Unix epoch plus a logical counter
/// that orders events within the same millisecond (or while the physical clock lags a remote one).
/// Ordered by (<see cref="WallMs"/>, <see cref="Logical"/>).
/// </summary>
/// <param name="WallMs">Physical component: milliseconds since the Unix epoch.</param>
/// <param name="Logical">Logical counter.</param>
public readonly record struct HlcTimestamp(long WallMs, int Logical) : IComparable<HlcTimestamp>
{
    /// <summary>The zero timestamp (before every real one).</summary>
    public static HlcTimestamp Zero => default;

    /// <inheritdoc />
    public int CompareTo(HlcTimestamp other)
    {
        var c = WallMs.CompareTo(other.WallMs);
        return c != 0 ? c : Logical.CompareTo(other.Logical);
    }

    /// <summary>Less than.</summary>
    public static bool operator <(HlcTimestamp left, HlcTimestamp right) => left.CompareTo(right) < 0;

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(HlcTimestamp left, HlcTimestamp right) => left.CompareTo(right) <= 0;

    /// <summary>Greater than.</summary>
    public static bool operator >(HlcTimestamp left, HlcTimestamp right) => left.CompareTo(right) > 0;

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(HlcTimestamp left, HlcTimestamp right) => left.CompareTo(right) >= 0;

    /// <summary>"wallMs.logical".</summary>
    public override string ToString() =>
        WallMs.ToString(CultureInfo.InvariantCulture) + "." + Logical.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Hybrid logical clock (Kulkarni et al.): timestamps are close to physical time, strictly monotonic per
/// clock instance, and <see cref="Observe"/> of a remote timestamp guarantees that every later local
/// timestamp is greater than it (so last-writer-wins respects causality through this node). Thread-safe.
/// </summary>
public sealed class HybridLogicalClock
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _wall;
    private int _logical;

    /// <summary>Creates a clock over <paramref name="timeProvider"/>.</summary>
    public HybridLogicalClock(TimeProvider timeProvider)
    {
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
    }

    /// <summary>The last timestamp issued or observed.</summary>
    public HlcTimestamp Current
    {
        get
        {
            lock (_lock)
            {
                return new HlcTimestamp(_wall, _logical);
            }
        }
    }

    /// <summary>Issues a new timestamp, greater than every timestamp issued or observed before.</summary>
    public HlcTimestamp Now()
    {
        var physical = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            if (physical > _wall)
            {
                _wall = physical;
                _logical = 0;
            }
            else
            {
                Increment();
            }

            return new HlcTimestamp(_wall, _logical);
        }
    }

    /// <summary>
    /// Merges a timestamp received from elsewhere (e.g. the version of an item just read) and returns a
    /// new local timestamp greater than both it and every earlier local timestamp.
    /// </summary>
    public HlcTimestamp Observe(HlcTimestamp remote)
    {
        var physical = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            var wall = Math.Max(Math.Max(_wall, remote.WallMs), physical);
            if (wall == _wall && wall == remote.WallMs)
            {
                _logical = Math.Max(_logical, remote.Logical);
                Increment();
            }
            else if (wall == _wall)
            {
                Increment();
            }
            else if (wall == remote.WallMs)
            {
                _wall = wall;
                _logical = remote.Logical;
                Increment();
            }
            else
            {
                _wall = wall;
                _logical = 0;
            }

            return new HlcTimestamp(_wall, _logical);
        }
    }

    private void Increment()
    {
        if (_logical == int.MaxValue)
        {
            // Counter exhausted: borrow the next millisecond rather than wrap.
            _wall++;
            _logical = 0;
        }
        else
        {
            _logical++;
        }
    }
}
