using CsCheck;
using Dynamo.Core.Storage;
using Dynamo.Core.Versioning;

namespace Dynamo.Core.Tests.Storage;

public class StoredObjectTests
{
    private static readonly Actor A = new(new NodeId("node-a"), 1);

    [Fact]
    public void RecordRoundTripsItsMetadataAndObjectForAnyEpochAndTombstoneClock()
    {
        Gen.Select(Gen.UInt, Gen.Long[0, long.MaxValue], Gen.Byte.Array[0, 300], Gen.Bool).Sample((epoch, now, value, tombstone) =>
        {
            var sibling = tombstone ? Sibling.Tombstone : new Sibling(value, "text/plain");
            var set = DottedVersionVectorSet.Empty.Update(VersionVector.Empty, A, sibling);
            var obj = StoredObject.Create(set, epoch, now);

            var record = obj.ToRecord();
            var back = StoredObject.FromRecord(record);

            Assert.Equal(obj.Set, back.Set);
            Assert.Equal(obj.CoordinatorEpoch, back.CoordinatorEpoch);
            Assert.Equal(obj.TombstoneSince, back.TombstoneSince);
            Assert.Equal(obj.VersionHash, back.VersionHash);
            Assert.Equal(obj.VersionHash, StoredObject.VersionHashOfRecord(record));
            Assert.Equal(obj.Encoded, back.Encoded);
        }, iter: 2_000);
    }

    [Fact]
    public void VarUIntSizeIsTheLengthVarUIntWrites()
    {
        Gen.OneOf(Gen.ULong, Gen.ULong[0, 300], Gen.Int[0, 63].Select(b => 1UL << b), Gen.Int[0, 63].Select(b => (1UL << b) - 1)).Sample(v =>
        {
            var w = new Dynamo.Core.Codecs.ByteWriter();
            w.VarUInt(v);
            Assert.Equal(w.Length, Dynamo.Core.Codecs.ByteWriter.VarUIntSize(v));
        }, iter: 5_000);
    }
}
