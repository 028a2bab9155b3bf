using System.Text;
using CsCheck;
using Dynamo.Cart.Crdt;

namespace Dynamo.Cart.Tests.Crdt;

/// <summary>The stored document: a lossless, canonical, versioned encoding that refuses anything else.</summary>
public sealed class CartCodecTests
{
    [Fact]
    public void EveryStateRoundTripsAndEqualStatesEncodeToEqualBytes() =>
        CartHistory.Histories.Sample(ops =>
        {
            foreach (var state in CartHistory.Run(ops).Seen)
            {
                var bytes = CartCodec.Encode(state);
                var back = CartCodec.Decode(bytes);
                Assert.Equal(state, back);
                Assert.Equal(bytes, CartCodec.Encode(back));
            }
        }, iter: 500);

    [Fact]
    public void TheDocumentIsReadableJson()
    {
        var state = CartState.Empty.Add("apple", 2, "t1").Add("apple", 1, "t2");
        Assert.Equal("""{"v":1,"entries":[{"tag":"t2","sku":"apple","qty":3}],"removed":["t1"]}""", Encoding.UTF8.GetString(CartCodec.Encode(state)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("[]")]
    [InlineData("""{"v":2,"entries":[],"removed":[]}""")]
    [InlineData("""{"v":1,"entries":[{"tag":"t","sku":"apple","qty":0}],"removed":[]}""")]
    [InlineData("""{"v":1,"entries":[{"tag":"","sku":"apple","qty":1}],"removed":[]}""")]
    [InlineData("""{"v":1,"entries":[{"tag":"t","qty":1}],"removed":[]}""")]
    [InlineData("""{"v":1,"entries":[],"removed":[1]}""")]
    [InlineData("""{"v":1,"entries":{},"removed":[]}""")]
    [InlineData("""{"v":1,"entries":[[[[[[]]]]]],"removed":[]}""")]
    public void AnythingElseIsAFormatErrorNeverACrash(string text)
    {
        Assert.Throws<CartFormatException>(() => CartCodec.Decode(Encoding.UTF8.GetBytes(text)));
        Assert.Null(CartCodec.TryDecode(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void RandomBytesNeverThrowAnythingButFormatErrors() =>
        Gen.Byte.Array[0, 200].Sample(bytes => _ = CartCodec.TryDecode(bytes), iter: 2_000);

    [Fact]
    public void ADecodedEntryThatIsAlsoTombstonedIsNotLive()
    {
        var state = CartCodec.Decode("""{"v":1,"entries":[{"tag":"t1","sku":"apple","qty":1}],"removed":["t1"]}"""u8);
        Assert.True(state.IsEmpty);
        Assert.True(state.IsRemoved("t1"));
    }
}
