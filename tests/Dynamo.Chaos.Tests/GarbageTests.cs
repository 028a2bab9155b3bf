using System.Text.Json;
using System.Text.Json.Serialization;
using Dynamo.Chaos.Fuzzing;
using Dynamo.Core.Membership;

namespace Dynamo.Chaos.Tests;

/// <summary>
/// The fuzzer sends table settings to <c>default</c>, the table the chaos workload and the check after
/// fuzzing use. A valid one there is a real change of N, R or W, not a hostile request: chaos seed
/// 700763263 set <c>default</c> to N=2 and the check's r=3 reads were then refused.
/// </summary>
public sealed class GarbageTests
{
    // As the router reads a table body (RouterApi): web defaults, no unknown members, numbers only as numbers.
    private static readonly JsonSerializerOptions RouterJson = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };

    [Fact]
    public void TableJsonIsNeverValidWhereValidIsNotAllowed()
    {
        var random = new Random(700763263);
        int parsed = 0;
        for (int i = 0; i < 50_000; i++)
        {
            string json = Garbage.TableJson(random, allowValid: false);
            if (TryParse(json) is { N: { } n, R: { } r, W: { } w })
            {
                parsed++;
                Assert.True(TableSettings.Validate(n, r, w, ringNodes: 64) is not null, $"'{json}' is a valid table setting");
            }
        }

        Assert.True(parsed > 1_000, $"only {parsed} bodies had n, r and w: the check checked little");
    }

    [Fact]
    public void TableJsonIsSometimesValidWhereValidIsAllowed()
    {
        var random = new Random(1);
        int valid = 0;
        for (int i = 0; i < 1_000; i++)
        {
            var body = TryParse(Garbage.TableJson(random, allowValid: true));
            if (body is { N: { } n, R: { } r, W: { } w } && TableSettings.Validate(n, r, w, ringNodes: 3) is null)
            {
                valid++;
            }
        }

        Assert.True(valid > 10, $"only {valid} of 1,000 bodies for the fuzz tables were valid");
    }

    private static Settings? TryParse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Settings>(json, RouterJson);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Settings(int? N, int? R, int? W);
}
