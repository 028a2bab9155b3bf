using System.Text;
using Dynamo.Core.Hashing;
using Dynamo.Core.Storage;
using Dynamo.Core.Versioning;

namespace Dynamo.Core.Tests.Storage;

/// <summary>The behaviour every <see cref="IStorageEngine"/> must have; run once per engine.</summary>
public abstract class StorageEngineContract : IDisposable
{
    private readonly List<IStorageEngine> _opened = [];

    protected abstract IStorageEngine CreateEngine();

    protected IStorageEngine Open()
    {
        var e = CreateEngine();
        _opened.Add(e);
        return e;
    }

    internal static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    internal static StoredObject ObjectWith(string value, long now = 1)
    {
        var set = DottedVersionVectorSet.Empty.Update(VersionVector.Empty, new Actor(new NodeId("n1"), 1), new Sibling(B(value), "text/plain"));
        return StoredObject.Create(set, coordinatorEpoch: 1, now);
    }

    [Fact]
    public void MissingKeysReadAsNull() => Assert.Null(Open().Get(StoreSpace.Data, B("nope")));

    [Fact]
    public void PutOverwriteAndDelete()
    {
        var e = Open();
        e.Write(new StorageBatch().Put(StoreSpace.Data, B("k"), B("v1")));
        Assert.Equal(B("v1"), e.Get(StoreSpace.Data, B("k")));
        e.Write(new StorageBatch().Put(StoreSpace.Data, B("k"), B("v2")));
        Assert.Equal(B("v2"), e.Get(StoreSpace.Data, B("k")));
        e.Write(new StorageBatch().Delete(StoreSpace.Data, B("k")));
        Assert.Null(e.Get(StoreSpace.Data, B("k")));
    }

    [Fact]
    public void SpacesAreSeparate()
    {
        var e = Open();
        e.Write(new StorageBatch().Put(StoreSpace.Data, B("k"), B("data")).Put(StoreSpace.Hints, B("k"), B("hint")));
        Assert.Equal(B("data"), e.Get(StoreSpace.Data, B("k")));
        Assert.Equal(B("hint"), e.Get(StoreSpace.Hints, B("k")));
        Assert.Null(e.Get(StoreSpace.Meta, B("k")));
    }

    [Fact]
    public void ABatchAppliesEveryOperationInOrder()
    {
        var e = Open();
        e.Write(new StorageBatch().Put(StoreSpace.Data, B("a"), B("1")).Put(StoreSpace.Data, B("b"), B("2")));
        e.Write(new StorageBatch()
            .Delete(StoreSpace.Data, B("a"))
            .Put(StoreSpace.Data, B("b"), B("3"))
            .Put(StoreSpace.Hints, B("c"), B("4"))
            .Put(StoreSpace.Data, B("b"), B("5")));
        Assert.Null(e.Get(StoreSpace.Data, B("a")));
        Assert.Equal(B("5"), e.Get(StoreSpace.Data, B("b")));
        Assert.Equal(B("4"), e.Get(StoreSpace.Hints, B("c")));
    }

    [Fact]
    public void WrittenBuffersAreCopied()
    {
        var e = Open();
        var key = B("k");
        var value = B("abc");
        e.Write(new StorageBatch().Put(StoreSpace.Data, key, value));
        value[0] = (byte)'z';
        key[0] = (byte)'q';
        Assert.Equal(B("abc"), e.Get(StoreSpace.Data, B("k")));
    }

    [Fact]
    public void ScansFollowUnsignedByteOrderBoundsAndLimits()
    {
        var e = Open();
        var keys = new[] { new byte[] { 0x01 }, [0x01, 0x00], [0x01, 0xFF], [0x7F], [0x80], [0xFF, 0x00] };
        var batch = new StorageBatch();
        foreach (var k in keys.Reverse())
        {
            batch.Put(StoreSpace.Data, k, k);
        }

        e.Write(batch);
        var all = e.Scan(StoreSpace.Data, [], [], int.MaxValue).Select(kv => kv.Key).ToArray();
        Assert.Equal(keys, all);

        var range = e.Scan(StoreSpace.Data, [0x01, 0x00], [0x80], int.MaxValue).Select(kv => kv.Key).ToArray();
        Assert.Equal(new[] { new byte[] { 0x01, 0x00 }, [0x01, 0xFF], [0x7F] }, range);

        Assert.Equal(2, e.Scan(StoreSpace.Data, [], [], 2).Count);

        // Reverse scans walk the same range from its end.
        var backwards = e.Scan(StoreSpace.Data, [0x01, 0x00], [0x80], int.MaxValue, reverse: true).Select(kv => kv.Key).ToArray();
        Assert.Equal(range.Reverse(), backwards);
        Assert.Equal(keys.Reverse().Take(2), e.Scan(StoreSpace.Data, [], [], 2, reverse: true).Select(kv => kv.Key));
        Assert.Equal(new[] { new byte[] { 0x7F } }, e.Scan(StoreSpace.Data, [0x01, 0x01], [0x80], 1, reverse: true).Select(kv => kv.Key));
        Assert.Empty(e.Scan(StoreSpace.Data, [0xFF, 0x01], [], 10));
        Assert.Empty(e.Scan(StoreSpace.Hints, [], [], 10));
    }

    [Fact]
    public void ReplicaStoreKeepsDvvSetsAndIteratesByPartitionInKeyOrder()
    {
        var store = new ReplicaStore(Open(), partitionCount: 16);
        var keys = Enumerable.Range(0, 300).Select(i => "key-" + i).ToList();
        foreach (var k in keys)
        {
            store.Put("t", k, ObjectWith("value of " + k));
        }

        foreach (var k in keys)
        {
            var got = store.Get("t", k);
            Assert.NotNull(got);
            Assert.Equal("value of " + k, Encoding.UTF8.GetString(Assert.Single(got.Set.LiveValues()).Value.Span));
            Assert.Equal(1u, got.CoordinatorEpoch);
        }

        var seen = new List<string>();
        for (int p = 0; p < 16; p++)
        {
            byte[]? cursor = null;
            var inPartition = new List<string>();
            while (true)
            {
                var page = store.ScanPartition(p, cursor, limit: 7);
                if (page.Count == 0)
                {
                    break;
                }

                foreach (var item in page)
                {
                    Assert.Equal(p, item.Key.Partition);
                    Assert.Equal(KeyHash.Compute("t", item.Key.Key).Partition(16), p);
                    inPartition.Add(item.Key.Key);
                }

                cursor = page[^1].RawKey;
            }

            var raw = inPartition.Select(k => store.KeyOf("t", k)).ToList();
            Assert.Equal(raw.Order(ByteArrayComparer.Instance), raw);
            seen.AddRange(inPartition);
        }

        Assert.Equal(keys.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void HintsAreKeptApartPerOwnerAndFoundByKey()
    {
        var store = new ReplicaStore(Open(), partitionCount: 8);
        var set = ObjectWith("hinted").Set;
        var batch = new StorageBatch()
            .Put(StoreSpace.Hints, store.HintKeyOf("t", "k", new NodeId("b")), ReplicaStore.HintRecord(set))
            .Put(StoreSpace.Hints, store.HintKeyOf("t", "k", new NodeId("c")), ReplicaStore.HintRecord(set))
            .Put(StoreSpace.Hints, store.HintKeyOf("t", "k2", new NodeId("b")), ReplicaStore.HintRecord(set));
        store.Write(batch);

        Assert.Null(store.Get("t", "k"));
        var hints = store.HintsFor("t", "k");
        Assert.Equal(["b", "c"], hints.Select(h => h.Key.Owner.Value).Order(StringComparer.Ordinal));
        Assert.All(hints, h => Assert.Equal(set, h.Object));
        Assert.Equal(3, store.ScanHints(null, 100).Count);
        Assert.True(store.HasHints);
    }

    [Fact]
    public void MetadataIsStored()
    {
        var store = new ReplicaStore(Open(), 8);
        Assert.Null(store.GetMeta("epoch"));
        store.PutMeta("epoch", [1, 2, 3]);
        Assert.Equal([1, 2, 3], store.GetMeta("epoch"));
    }

    [Fact]
    public void ConcurrentWritersDoNotCorruptTheEngine()
    {
        var e = Open();
        Parallel.For(0, 8, t =>
        {
            for (int i = 0; i < 500; i++)
            {
                e.Write(new StorageBatch().Put(StoreSpace.Data, B($"{t}-{i}"), B(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            }
        });
        Assert.Equal(4000, e.Scan(StoreSpace.Data, [], [], int.MaxValue).Count);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        foreach (var e in _opened)
        {
            e.Dispose();
        }
    }
}

public sealed class InMemoryStorageEngineTests : StorageEngineContract
{
    protected override IStorageEngine CreateEngine() => new InMemoryStorageEngine();
}
