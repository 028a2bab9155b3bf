using CsCheck;
using Dynamo.Core.Versioning;
using static Dynamo.Core.Tests.Versioning.DvvHistory;

namespace Dynamo.Core.Tests.Versioning;

public class CausalContextTests
{
    private static readonly CausalContext Signer = new("0123456789abcdef0123456789abcdef"u8);

    [Fact]
    public void ContextsRoundTripThroughTheOpaqueEncoding()
    {
        GenHistory.Sample(ops =>
        {
            foreach (var state in Run.Of(ops).Seen)
            {
                var vv = state.Context();
                var token = Signer.Encode(vv, "cart", "user-1");
                Assert.DoesNotContain('+', token);
                Assert.DoesNotContain('/', token);
                Assert.True(Signer.TryDecode(token, "cart", "user-1", out var back, out var error), error);
                Assert.Equal(vv, back);
            }
        }, iter: 500);
    }

    [Fact]
    public void AnEmptyOrMissingContextMeansNothingWasRead()
    {
        Assert.True(Signer.TryDecode(null, "t", "k", out var vv, out _));
        Assert.Equal(VersionVector.Empty, vv);
        Assert.True(Signer.TryDecode("", "t", "k", out vv, out _));
        Assert.Equal(VersionVector.Empty, vv);
    }

    [Fact]
    public void GarbledContextsAreRejectedWithAReason()
    {
        var vv = VersionVector.From([new(new Actor(new NodeId("node1"), 3), 7), new(new Actor(new NodeId("node2"), 1), 2)]);
        var token = Signer.Encode(vv, "t", "k");
        Gen.Select(Gen.Int[0, token.Length - 1], Gen.Char["A-Za-z0-9_-"], Gen.Int[1, token.Length - 1]).Sample((pos, c, cut) =>
        {
            var chars = token.ToCharArray();
            chars[pos] = c;
            var mutated = new string(chars);
            if (mutated != token)
            {
                Assert.False(Signer.TryDecode(mutated, "t", "k", out _, out var error));
                Assert.False(string.IsNullOrWhiteSpace(error));
            }

            Assert.False(Signer.TryDecode(token[..cut], "t", "k", out _, out _));
        }, iter: 2_000);
    }

    [Fact]
    public void RandomStringsAreRejectedNeverThrown()
    {
        Gen.String.Sample(s =>
        {
            if (!string.IsNullOrEmpty(s))
            {
                Assert.False(Signer.TryDecode(s, "t", "k", out _, out var error));
                Assert.NotEmpty(error);
            }
        }, iter: 2_000);
    }

    [Fact]
    public void AContextIsBoundToItsKeyAndToTheClusterSecret()
    {
        var vv = VersionVector.From([new(new Actor(new NodeId("node1"), 1), 1)]);
        var token = Signer.Encode(vv, "t", "k");
        Assert.False(Signer.TryDecode(token, "t", "other", out _, out _));
        Assert.False(Signer.TryDecode(token, "other", "k", out _, out _));
        var otherCluster = new CausalContext("another-secret-another-secret!!!"u8);
        Assert.False(otherCluster.TryDecode(token, "t", "k", out _, out var error));
        Assert.Contains("not issued by this cluster", error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => otherCluster.Decode(token, "t", "k"));
    }

    [Fact]
    public void AForgedContextCannotClaimVersionsItNeverSaw()
    {
        // A client that read nothing tries to pass a context claiming every dot: it must not verify.
        var claim = VersionVector.From([new(new Actor(new NodeId("node1"), 1), 1_000_000)]);
        var forger = new CausalContext("attacker-guess-attacker-guess-!!"u8);
        Assert.False(Signer.TryDecode(forger.Encode(claim, "t", "k"), "t", "k", out _, out _));
    }
}
