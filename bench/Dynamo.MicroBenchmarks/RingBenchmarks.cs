using BenchmarkDotNet.Attributes;
using Dynamo.Core;
using Dynamo.Core.Hashing;
using Dynamo.Core.Partitioning;

namespace Dynamo.MicroBenchmarks;

/// <summary>The routing step of every request: key → partition → preference list.</summary>
[MemoryDiagnoser]
public class RingBenchmarks
{
    private Ring _ring = null!;
    private string[] _keys = null!;
    private int _i;

    [Params(3, 64)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var members = Enumerable.Range(0, Nodes).Select(i => new RingMember(new NodeId("node" + i))).ToArray();
        int q = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(64 * Nodes));
        _ring = RingClaim.Initial(q, members);
        _keys = [.. Enumerable.Range(0, 1024).Select(i => "user:" + i)];
    }

    [Benchmark]
    public int KeyHashPartition() => KeyHash.Compute("cart", _keys[_i++ & 1023]).Partition(_ring.PartitionCount);

    [Benchmark]
    public NodeId PreferenceListLookup()
    {
        int p = KeyHash.Compute("cart", _keys[_i++ & 1023]).Partition(_ring.PartitionCount);
        return _ring.PreferenceList(p, 3).Primaries[0];
    }

    [Benchmark]
    public Ring JoinOneNode() => RingClaim.Join(_ring, new RingMember(new NodeId("joining")));
}
