using System.Text;
using Dynamo.Client;

namespace Dynamo.Chaos.Cluster;

/// <summary>After fuzzing: the cluster still serves, through the router and straight to coordinators, and reads back exactly what it acknowledged.</summary>
public static class ServingCheck
{
    public static async Task<List<string>> RunAsync(DynamoHttpClient router, IDynamoClient direct, int seed, int keys = 20)
    {
        var problems = new List<string>();
        for (int i = 0; i < keys; i++)
        {
            string key = $"after-fuzz-{seed}-{i}";
            string value = $"served-{i}";
            var writer = i % 2 == 0 ? (IDynamoClient)router : direct;
            try
            {
                await writer.PutAsync("default", key, Encoding.UTF8.GetBytes(value), "text/plain");
                foreach (var reader in new IDynamoClient[] { router, direct })
                {
                    var read = await reader.GetAsync("default", key, r: 3);
                    if (read.Siblings.Count != 1 || Encoding.UTF8.GetString(read.Siblings[0].Value) != value)
                    {
                        problems.Add($"after fuzzing, {key} read back [{string.Join(",", read.Siblings.Select(s => Encoding.UTF8.GetString(s.Value)))}] instead of {value}");
                    }
                }

                if (i % 5 == 0)
                {
                    var read = await router.GetAsync("default", key);
                    await direct.DeleteAsync("default", key, read.Context);
                    if ((await router.GetAsync("default", key, r: 3)).Found)
                    {
                        problems.Add($"after fuzzing, {key} is still there after an acknowledged delete");
                    }
                }
            }
            catch (Exception ex) when (ex is DynamoException or HttpRequestException or TaskCanceledException)
            {
                problems.Add($"after fuzzing, {key} could not be written and read: {ex.Message}");
            }
        }

        return problems;
    }
}
