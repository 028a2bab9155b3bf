using System.Globalization;
using System.Text;
using CsCheck;
using Dynamo.DynamoDb.Model;
using Dynamo.DynamoDb.Storage;

namespace Dynamo.DynamoDb.Tests;

/// <summary>Property tests (CsCheck) for the number type, the order-preserving key codec, the item codec and the HLC.</summary>
public sealed class PropertyTests
{
    /// <summary>Numbers in DynamoDB's range, written in assorted notations ("-1.2300E+5", "000.5", "42", …).</summary>
    internal static readonly Gen<string> GenNumberText =
        Gen.Select(
                Gen.Int[0, 2],
                Gen.Int[1, 38].SelectMany(n => Gen.Char["0123456789"].Array[n]).Select(c => new string(c)),
                Gen.Int[-130, 125],
                Gen.Int[0, 3])
            .Select((sign, digits, exp, style) =>
            {
                var s = sign switch { 0 => "-", 1 => "+", _ => string.Empty };
                return style switch
                {
                    0 => $"{s}{digits[0]}.{digits[1..]}E{exp.ToString(CultureInfo.InvariantCulture)}",
                    1 => $"{s}{digits[0]}.{digits[1..]}e+{Math.Abs(exp).ToString(CultureInfo.InvariantCulture)}",
                    2 => $"{s}00{digits}",
                    _ => $"{s}0.{digits}000",
                };
            })
            .Where(t => DynamoNumber.TryParse(t, out _, out _));

    internal static readonly Gen<DynamoNumber> GenNumber = Gen.Frequency(
        (20, GenNumberText.Select(DynamoNumber.Parse)),
        (1, Gen.Const(DynamoNumber.Zero)),
        (3, Gen.Int.Select(i => DynamoNumber.FromInt64(i))));

    private static readonly Gen<string> GenValidString =
        Gen.Frequency(
                (3, Gen.Int[0x20, 0x7E]),
                (1, Gen.Int[0x80, 0x7FF]),
                (1, Gen.Int[0x800, 0xD7FF]),
                (1, Gen.Int[0xE000, 0xFFFF]),
                (1, Gen.Int[0x10000, 0x10FFFF]))
            .Array[0, 12]
            .Select(cps => string.Concat(cps.Select(cp => new Rune(cp).ToString())));

    [Fact]
    public void Number_ParseFormat_RoundTrips_InCanonicalForm()
    {
        GenNumberText.Sample(text =>
        {
            var n = DynamoNumber.Parse(text);
            var canonical = n.ToString();
            var again = DynamoNumber.Parse(canonical);
            Assert.Equal(n, again);
            Assert.Equal(canonical, again.ToString());
            Assert.DoesNotContain('E', canonical);
            Assert.DoesNotContain('+', canonical);
            Assert.False(canonical.Contains('.', StringComparison.Ordinal) && canonical.EndsWith('0'), canonical);
            Assert.False(canonical.StartsWith("00", StringComparison.Ordinal) || canonical.StartsWith("-0", StringComparison.Ordinal) && canonical != "-0" && !canonical.StartsWith("-0.", StringComparison.Ordinal), canonical);
            Assert.NotEqual("-0", canonical);
            Assert.InRange(n.Precision, 1, 38);
        });
    }

    [Fact]
    public void Number_OrderingAndArithmetic_AgreeWithSystemDecimal()
    {
        var genDecimal = Gen.Select(Gen.Long[-1_000_000_000_000_000, 1_000_000_000_000_000], Gen.Byte[0, 12])
            .Select((mantissa, scale) =>
            {
                var abs = (ulong)Math.Abs(mantissa);
                return new decimal(unchecked((int)(uint)abs), unchecked((int)(uint)(abs >> 32)), 0, mantissa < 0, scale);
            });
        Gen.Select(genDecimal, genDecimal).Sample((x, y) =>
        {
            var a = DynamoNumber.Parse(x.ToString(CultureInfo.InvariantCulture));
            var b = DynamoNumber.Parse(y.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(Math.Sign(decimal.Compare(x, y)), Math.Sign(a.CompareTo(b)));
            Assert.Equal(x == y, a == b);
            Assert.Equal(DynamoNumber.Parse((x + y).ToString(CultureInfo.InvariantCulture)), a + b);
            Assert.Equal(DynamoNumber.Parse((x - y).ToString(CultureInfo.InvariantCulture)), a - b);
            Assert.Equal(decimal.Parse((a + b).ToString(), CultureInfo.InvariantCulture), x + y);
        });
    }

    [Fact]
    public void Number_Ordering_IsATotalOrderConsistentWithSubtraction()
    {
        Gen.Select(GenNumber, GenNumber).Sample((a, b) =>
        {
            Assert.Equal(-Math.Sign(b.CompareTo(a)), Math.Sign(a.CompareTo(b)));
            Assert.Equal(Math.Sign(a.CompareTo(b)), (a - b).Sign);
            Assert.Equal(a, a + b - b);
        });
    }

    [Fact]
    public void SortKeyCodec_Numbers_PreserveNumericOrder_AndRoundTrip()
    {
        Gen.Select(GenNumber, GenNumber).Sample((a, b) =>
        {
            var ea = SortKeyCodec.EncodeNumber(a);
            var eb = SortKeyCodec.EncodeNumber(b);
            Assert.Equal(Math.Sign(a.CompareTo(b)), Math.Sign(string.CompareOrdinal(ea, eb)));
            Assert.Equal(a, SortKeyCodec.DecodeNumber(ea));
            Assert.All(ea, c => Assert.InRange(c, (char)0x21, (char)0x7E));
        });
    }

    [Fact]
    public void SortKeyCodec_Numbers_AdjacentValuesSortCorrectly()
    {
        // Values differing only in the last digit or in length are the codec's hardest cases.
        string[] ordered = ["-1E+125", "-10.01", "-10.001", "-10", "-9.99", "-1.12", "-1.1", "-1", "-0.12", "-0.1", "-1E-130", "0", "1E-130", "0.1", "0.12", "1", "1.1", "1.12", "9.99", "10", "10.001", "10.01", "1E+125"];
        var encoded = ordered.Select(s => SortKeyCodec.EncodeNumber(DynamoNumber.Parse(s))).ToList();
        Assert.Equal(encoded, encoded.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SortKeyCodec_Strings_PreserveUtf8ByteOrder_Prefixes_AndRoundTrip()
    {
        Gen.Select(GenValidString, GenValidString).Sample((a, b) =>
        {
            var ua = Encoding.UTF8.GetBytes(a);
            var ub = Encoding.UTF8.GetBytes(b);
            var ea = SortKeyCodec.EncodeString(a);
            var eb = SortKeyCodec.EncodeString(b);
            Assert.Equal(Math.Sign(ua.AsSpan().SequenceCompareTo(ub)), Math.Sign(string.CompareOrdinal(ea, eb)));
            Assert.Equal(Math.Sign(ua.AsSpan().SequenceCompareTo(ub)), Math.Sign(AttributeValue.CompareUtf8(a, b)));
            Assert.Equal(ua.AsSpan().StartsWith(ub), ea.StartsWith(eb, StringComparison.Ordinal));
            Assert.Equal(a, SortKeyCodec.Decode(ea, ScalarAttributeType.S).S);
        });
    }

    [Fact]
    public void SortKeyCodec_Binary_PreservesUnsignedByteOrder_AndRoundTrips()
    {
        Gen.Select(Gen.Byte.Array[0, 24], Gen.Byte.Array[0, 24]).Sample((a, b) =>
        {
            var ea = SortKeyCodec.EncodeBinary(a);
            var eb = SortKeyCodec.EncodeBinary(b);
            Assert.Equal(Math.Sign(a.AsSpan().SequenceCompareTo(b)), Math.Sign(string.CompareOrdinal(ea, eb)));
            Assert.Equal(a, SortKeyCodec.Decode(ea, ScalarAttributeType.B).B);
        });
    }

    internal static Gen<AttributeValue> GenValue(int depth)
    {
        var scalars = Gen.OneOf(
            GenValidString.Select(AttributeValue.FromS),
            GenNumber.Select(AttributeValue.FromN),
            Gen.Byte.Array[0, 8].Select(AttributeValue.FromB),
            Gen.Bool.Select(AttributeValue.FromBool),
            Gen.Const(AttributeValue.Null),
            GenValidString.Array[1, 4].Select(a => AttributeValue.FromSS(a.Distinct(StringComparer.Ordinal).ToList())),
            GenNumber.Array[1, 4].Select(a => AttributeValue.FromNS(a.Distinct().ToList())),
            Gen.Byte.Array[1, 4].Array[1, 3].Select(a => AttributeValue.FromBS(a.Distinct(ByteArrayEqualityComparer.Instance).ToList())));
        if (depth == 0)
        {
            return scalars;
        }

        return Gen.Frequency(
            (6, scalars),
            (1, GenValue(depth - 1).Array[0, 4].Select(a => AttributeValue.FromL(a))),
            (1, GenItem(depth - 1).Select(m => AttributeValue.FromM(m))));
    }

    internal static Gen<Dictionary<string, AttributeValue>> GenItem(int depth) =>
        Gen.Select(GenValidString, GenValue(depth)).Array[0, 6]
            .Select(pairs => pairs.GroupBy(p => p.Item1, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Item2, StringComparer.Ordinal));

    [Fact]
    public void ItemCodec_RoundTripsLiveItemsAndTombstones()
    {
        var genStored = Gen.Select(GenItem(2), Gen.Long[0, long.MaxValue], Gen.Int[0, int.MaxValue], Gen.Bool, GenValidString, Gen.Bool)
            .Select((item, wall, logical, tombstone, sk, hasSk) =>
                new StoredItem(new ItemKey(SortKeyCodec.EncodeString("p" + sk), hasSk ? SortKeyCodec.EncodeString(sk) : null), new HlcTimestamp(wall, logical), tombstone ? null : item));
        genStored.Sample(stored =>
        {
            var bytes = ItemCodec.Encode(stored);
            var decoded = ItemCodec.Decode(bytes);
            Assert.Equal(stored.Key, decoded.Key);
            Assert.Equal(stored.Timestamp, decoded.Timestamp);
            Assert.Equal(stored.IsTombstone, decoded.IsTombstone);
            if (stored.Attributes is not null)
            {
                Assert.Equal(stored.Attributes.Count, decoded.Attributes!.Count);
                foreach (var (k, v) in stored.Attributes)
                {
                    Assert.Equal(v, decoded.Attributes[k]);
                }
            }

            Assert.Equal(bytes, ItemCodec.Encode(decoded));
        });
    }

    [Fact]
    public void HybridLogicalClock_IsStrictlyMonotonic_AndDominatesObservedTimestamps()
    {
        var genOps = Gen.Select(Gen.Bool, Gen.Int[-50, 50], Gen.Long[0, 2_000], Gen.Int[0, 5]).Array[1, 60];
        genOps.Sample(ops =>
        {
            var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
            var clock = new HybridLogicalClock(time);
            var last = HlcTimestamp.Zero;
            foreach (var (observe, drift, remoteOffset, remoteLogical) in ops)
            {
                time.Advance(TimeSpan.FromMilliseconds(drift)); // the physical clock may jump backwards
                HlcTimestamp next;
                if (observe)
                {
                    var remote = new HlcTimestamp(1_000_000 + remoteOffset, remoteLogical);
                    next = clock.Observe(remote);
                    Assert.True(next > remote);
                }
                else
                {
                    next = clock.Now();
                }

                Assert.True(next > last, $"{next} <= {last}");
                Assert.True(next.WallMs >= time.GetUtcNow().ToUnixTimeMilliseconds());
                last = next;
            }
        });
    }
}

/// <summary>A settable clock for tests.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan delta) => _now += delta;
}
