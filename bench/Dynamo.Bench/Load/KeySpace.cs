using System.Globalization;

namespace Dynamo.Bench.Load;

/// <summary>
/// The key space: key strings made once up front ("bench:00000042"), so picking a key on the
/// hot path is an array index, and a chooser for uniform or zipfian popularity.
/// </summary>
public sealed class KeySpace
{
    private readonly ZipfianGenerator? _zipf;

    public KeySpace(int count, KeyDistribution distribution, double zipfianConstant = ZipfianGenerator.DefaultConstant)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Keys = new string[count];
        for (var i = 0; i < count; i++)
        {
            Keys[i] = string.Create(CultureInfo.InvariantCulture, $"bench:{i:D8}");
        }

        Distribution = distribution;
        if (distribution == KeyDistribution.Zipfian)
        {
            _zipf = new ZipfianGenerator(count, zipfianConstant);
        }
    }

    public string[] Keys { get; }

    public KeyDistribution Distribution { get; }

    public int Count => Keys.Length;

    public int NextIndex(ref FastRandom rng) => _zipf is null ? rng.NextInt(Keys.Length) : _zipf.Next(ref rng);
}

/// <summary>
/// Zipfian item popularity as in YCSB's ZipfianGenerator (Gray et al., "Quickly generating
/// billion-record synthetic databases", SIGMOD 1994), constant 0.99 by default. Like YCSB's
/// ScrambledZipfianGenerator, ranks are scattered over the key space with an FNV-1a hash so
/// the hot keys are not all neighbours (which would favour range-partitioned stores).
/// </summary>
public sealed class ZipfianGenerator
{
    public const double DefaultConstant = 0.99;
    private readonly int _items;
    private readonly double _theta;
    private readonly double _zetaN;
    private readonly double _alpha;
    private readonly double _eta;
    private readonly double _halfPowTheta;

    public ZipfianGenerator(int items, double theta)
    {
        _items = items;
        _theta = theta;
        _zetaN = Zeta(items, theta);
        var zeta2 = Zeta(2, theta);
        _alpha = 1.0 / (1.0 - theta);
        _eta = (1 - Math.Pow(2.0 / items, 1 - theta)) / (1 - (zeta2 / _zetaN));
        _halfPowTheta = 1 + Math.Pow(0.5, theta);
    }

    public int Next(ref FastRandom rng)
    {
        var u = rng.NextDouble();
        var uz = u * _zetaN;
        long rank;
        if (uz < 1.0)
        {
            rank = 0;
        }
        else if (uz < _halfPowTheta)
        {
            rank = 1;
        }
        else
        {
            rank = (long)(_items * Math.Pow((_eta * u) - _eta + 1, _alpha));
        }

        return (int)(Fnv1a((ulong)rank) % (ulong)_items);
    }

    /// <summary>Probability mass of the most popular rank (for documentation and tests).</summary>
    public double TopProbability => 1.0 / _zetaN;

    private static double Zeta(long n, double theta)
    {
        var sum = 0.0;
        for (long i = 1; i <= n; i++)
        {
            sum += 1.0 / Math.Pow(i, theta);
        }

        return sum;
    }

    private static ulong Fnv1a(ulong value)
    {
        var hash = 0xCBF29CE484222325UL;
        for (var i = 0; i < 8; i++)
        {
            hash ^= value & 0xFF;
            hash *= 0x100000001B3UL;
            value >>= 8;
        }

        return hash;
    }
}
