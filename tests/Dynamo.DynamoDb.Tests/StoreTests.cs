using Dynamo.DynamoDb.Model;
using Dynamo.DynamoDb.Storage;

namespace Dynamo.DynamoDb.Tests;

/// <summary>The store abstraction's contract, checked on <see cref="InMemoryItemStore"/>, plus codec edge cases.</summary>
public sealed class StoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<InMemoryItemStore> StoreWithTableAsync(string name = "t")
    {
        var store = new InMemoryItemStore();
        var created = await store.CreateTableAsync(
            new TableDescriptor(name, new KeyAttribute("pk", ScalarAttributeType.S), new KeyAttribute("sk", ScalarAttributeType.N), BillingMode.PayPerRequest, new ProvisionedThroughput(0, 0), DateTimeOffset.UnixEpoch, Guid.NewGuid()),
            Ct);
        Assert.True(created);
        return store;
    }

    private static StoredItem Item(string pk, long sk, long wall, string value) =>
        new(
            new ItemKey(SortKeyCodec.EncodeString(pk), SortKeyCodec.EncodeNumber(DynamoNumber.FromInt64(sk))),
            new HlcTimestamp(wall, 0),
            new Dictionary<string, AttributeValue> { ["pk"] = AttributeValue.FromS(pk), ["sk"] = AttributeValue.FromN(DynamoNumber.FromInt64(sk)), ["v"] = AttributeValue.FromS(value) });

    [Fact]
    public async Task Writes_AreLastWriterWinsByTimestamp_AndDeletesLeaveTombstones()
    {
        var store = await StoreWithTableAsync();
        var newer = Item("p", 1, 10, "newer");
        Assert.True(await store.PutItemAsync("t", newer, WriteGuard.None, Ct));
        Assert.True(await store.PutItemAsync("t", Item("p", 1, 5, "older"), WriteGuard.None, Ct)); // applied no-op: lost LWW
        Assert.Equal("newer", (await store.GetItemAsync("t", newer.Key, consistent: true, Ct))!.Attributes!["v"].S);

        Assert.True(await store.DeleteItemAsync("t", newer.Key, new HlcTimestamp(3, 0), WriteGuard.None, Ct));
        Assert.False((await store.GetItemAsync("t", newer.Key, true, Ct))!.IsTombstone);

        Assert.True(await store.DeleteItemAsync("t", newer.Key, new HlcTimestamp(20, 0), WriteGuard.None, Ct));
        var tombstone = await store.GetItemAsync("t", newer.Key, true, Ct);
        Assert.True(tombstone!.IsTombstone);
        Assert.Equal(new HlcTimestamp(20, 0), tombstone.Timestamp);

        // A late put older than the delete does not resurrect the item.
        Assert.True(await store.PutItemAsync("t", Item("p", 1, 15, "late"), WriteGuard.None, Ct));
        Assert.True((await store.GetItemAsync("t", newer.Key, true, Ct))!.IsTombstone);
        var page = await store.QueryAsync("t", newer.Key.PartitionKey, SortKeyRange.All, true, null, 10, true, Ct);
        Assert.Empty(page.Items);
        Assert.Equal(1, store.VersionCount("t"));
    }

    [Fact]
    public async Task Guards_DetectConcurrentChanges()
    {
        var store = await StoreWithTableAsync();
        var first = Item("p", 1, 10, "a");
        Assert.True(await store.PutItemAsync("t", first, WriteGuard.IfAbsent, Ct));
        Assert.False(await store.PutItemAsync("t", Item("p", 1, 11, "b"), WriteGuard.IfAbsent, Ct));
        Assert.False(await store.PutItemAsync("t", Item("p", 1, 11, "b"), WriteGuard.IfVersion(new HlcTimestamp(9, 0)), Ct));
        Assert.True(await store.PutItemAsync("t", Item("p", 1, 11, "b"), WriteGuard.IfVersion(new HlcTimestamp(10, 0)), Ct));
        Assert.False(await store.DeleteItemAsync("t", first.Key, new HlcTimestamp(12, 0), WriteGuard.IfVersion(new HlcTimestamp(10, 0)), Ct));
        Assert.True(await store.DeleteItemAsync("t", first.Key, new HlcTimestamp(12, 0), WriteGuard.IfVersion(new HlcTimestamp(11, 0)), Ct));
        Assert.True(await store.PutItemAsync("t", Item("p", 1, 13, "c"), WriteGuard.IfAbsent, Ct)); // a tombstone counts as absent
    }

    [Fact]
    public async Task Query_HonoursRangeDirectionExclusiveStartAndLimit()
    {
        var store = await StoreWithTableAsync();
        for (var i = -5; i <= 5; i++)
        {
            await store.PutItemAsync("t", Item("p", i, 1, "v"), WriteGuard.None, Ct);
        }

        await store.PutItemAsync("t", Item("q", 0, 1, "other partition"), WriteGuard.None, Ct);
        var pk = SortKeyCodec.EncodeString("p");
        string Enc(long n) => SortKeyCodec.EncodeNumber(DynamoNumber.FromInt64(n));
        long Sk(StoredItem s) => long.Parse(s.Attributes!["sk"].N.ToString(), System.Globalization.CultureInfo.InvariantCulture);

        var range = new SortKeyRange(Enc(-2), true, Enc(3), false, null);
        var forward = await store.QueryAsync("t", pk, range, true, null, 100, true, Ct);
        Assert.Equal([-2, -1, 0, 1, 2], forward.Items.Select(Sk));
        Assert.False(forward.HasMore);

        var backward = await store.QueryAsync("t", pk, range, false, Enc(1), 2, true, Ct);
        Assert.Equal([0, -1], backward.Items.Select(Sk));
        Assert.True(backward.HasMore);

        var tail = await store.QueryAsync("t", pk, SortKeyRange.All, true, Enc(4), 100, false, Ct);
        Assert.Equal([5], tail.Items.Select(Sk));
    }

    [Fact]
    public async Task ScanSegments_PartitionTheTableByPartitionKey()
    {
        var store = await StoreWithTableAsync();
        for (var i = 0; i < 100; i++)
        {
            await store.PutItemAsync("t", Item("p" + (i % 37).ToString(System.Globalization.CultureInfo.InvariantCulture), i, 1, "v"), WriteGuard.None, Ct);
        }

        var seen = new Dictionary<ItemKey, int>();
        var segmentOfPartition = new Dictionary<string, int>();
        for (var segment = 0; segment < 5; segment++)
        {
            ItemKey? start = null;
            while (true)
            {
                var page = await store.ScanAsync("t", segment, 5, start, 9, false, Ct);
                foreach (var item in page.Items)
                {
                    seen[item.Key] = seen.GetValueOrDefault(item.Key) + 1;
                    Assert.Equal(segment, segmentOfPartition.TryAdd(item.Key.PartitionKey, segment) ? segment : segmentOfPartition[item.Key.PartitionKey]);
                }

                if (!page.HasMore)
                {
                    break;
                }

                start = page.Items[^1].Key;
            }
        }

        Assert.Equal(100, seen.Count);
        Assert.All(seen.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public void SegmentBoundaries_AreConsistentWithSegmentOf()
    {
        foreach (var total in new[] { 1, 2, 3, 7, 1000, 1_000_000 })
        {
            for (var segment = 0; segment < Math.Min(total, 50); segment++)
            {
                var start = InMemoryItemStore.SegmentStart(segment, total);
                Assert.Equal(segment, InMemoryItemStore.SegmentOf(start, total));
                if (start > 0)
                {
                    Assert.Equal(segment - 1, InMemoryItemStore.SegmentOf(start - 1, total));
                }
            }

            Assert.Equal(total - 1, InMemoryItemStore.SegmentOf(ulong.MaxValue, total));
        }
    }

    [Fact]
    public async Task Catalog_CreateListUpdateDelete()
    {
        var store = await StoreWithTableAsync("b-table");
        var descriptor = (await store.GetTableAsync("b-table", Ct))!;
        Assert.False(await store.CreateTableAsync(descriptor, Ct));
        Assert.True(await store.CreateTableAsync(descriptor with { Name = "a-table" }, Ct));
        Assert.Equal(["a-table"], (await store.ListTablesAsync(null, 1, Ct)).TableNames);
        Assert.True((await store.ListTablesAsync(null, 1, Ct)).HasMore);
        Assert.Equal(["b-table"], (await store.ListTablesAsync("a-table", 5, Ct)).TableNames);
        Assert.True(await store.UpdateTableAsync(descriptor with { BillingMode = BillingMode.Provisioned }, Ct));
        Assert.Equal(BillingMode.Provisioned, (await store.GetTableAsync("b-table", Ct))!.BillingMode);
        Assert.NotNull(await store.DeleteTableAsync("b-table", Ct));
        Assert.Null(await store.GetTableAsync("b-table", Ct));
        var e = await Assert.ThrowsAsync<ItemStoreException>(async () => await store.GetItemAsync("b-table", new ItemKey("x", null), false, Ct));
        Assert.Equal(ItemStoreErrorKind.TableNotFound, e.Kind);
    }

    [Fact]
    public void ItemCodec_RejectsUnknownVersionsAndTruncation()
    {
        var bytes = ItemCodec.Encode(Item("p", 1, 42, "v"));
        Assert.Equal((byte)'D', bytes[0]);
        Assert.Equal(ItemCodec.FormatVersion, bytes[2]);
        var future = (byte[])bytes.Clone();
        future[2] = 99;
        Assert.Contains("version 99", Assert.Throws<FormatException>(() => ItemCodec.Decode(future)).Message, StringComparison.Ordinal);
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            Assert.Throws<FormatException>(() => ItemCodec.Decode(bytes.AsSpan(0, cut)));
        }
    }

    [Fact]
    public void HybridLogicalClock_UsesLogicalCounterWithinAMillisecond()
    {
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(5_000));
        var clock = new HybridLogicalClock(time);
        Assert.Equal(new HlcTimestamp(5_000, 0), clock.Now());
        Assert.Equal(new HlcTimestamp(5_000, 1), clock.Now());
        Assert.Equal(new HlcTimestamp(9_000, 4), clock.Observe(new HlcTimestamp(9_000, 3)));
        Assert.Equal(new HlcTimestamp(9_000, 5), clock.Now()); // physical clock behind: logical advances
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(new HlcTimestamp(15_000, 0), clock.Now());
    }
}
