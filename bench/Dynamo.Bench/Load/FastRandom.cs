namespace Dynamo.Bench.Load;

/// <summary>SplitMix64: one per worker, no locks, no allocation. Not for cryptography.</summary>
public struct FastRandom
{
    private ulong _state;

    public FastRandom(ulong seed) => _state = seed;

    /// <summary>
    /// The seed of stream <paramref name="index"/> of <paramref name="baseSeed"/>: a scrambled
    /// (SplitMix64-finalized) value, so that streams start far apart on the 2^64 cycle. Seeds
    /// that differ by multiples of the SplitMix increment would give the same sequence shifted
    /// by a few steps: every worker would then pick the same keys, one call apart.
    /// </summary>
    public static ulong StreamSeed(ulong baseSeed, int index)
    {
        var r = new FastRandom(baseSeed ^ ((ulong)(uint)index * 0xD1B54A32D192ED03UL));
        return r.NextUInt64();
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n) (Lemire's multiply-shift; bias negligible for n far below 2^32).</summary>
    public int NextInt(int n) => (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);
}
