using BenchmarkDotNet.Attributes;
using Dynamo.Core;
using Dynamo.Core.Versioning;

namespace Dynamo.MicroBenchmarks;

/// <summary>The versioning step of every write (update at the coordinator, sync at each replica) and its codec.</summary>
[MemoryDiagnoser]
public class DvvSetBenchmarks
{
    private static readonly Actor A = new(new NodeId("node1"), 1);
    private static readonly Actor B = new(new NodeId("node2"), 1);
    private DottedVersionVectorSet _stored = null!;
    private DottedVersionVectorSet _incoming = null!;
    private VersionVector _context = null!;
    private Sibling _value = null!;
    private byte[] _encoded = null!;

    [Params(1, 3)]
    public int Siblings { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _value = new Sibling(new byte[100], "application/octet-stream");
        var s = DottedVersionVectorSet.Empty;
        for (int i = 0; i < Siblings; i++)
        {
            s = s.Update(VersionVector.Empty, i % 2 == 0 ? A : B, _value);
        }

        _stored = s;
        _context = s.Context();
        _incoming = s.Update(_context, A, _value);
        _encoded = ObjectCodec.Encode(_stored);
    }

    [Benchmark]
    public DottedVersionVectorSet UpdateWithContext() => _stored.Update(_context, A, _value);

    [Benchmark]
    public DottedVersionVectorSet SyncReplicaWrite() => DottedVersionVectorSet.Sync(_stored, _incoming);

    [Benchmark]
    public byte[] Encode() => ObjectCodec.Encode(_stored);

    [Benchmark]
    public DottedVersionVectorSet Decode() => ObjectCodec.Decode(_encoded);
}
