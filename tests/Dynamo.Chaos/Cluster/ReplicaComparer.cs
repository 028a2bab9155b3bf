using System.Collections.Concurrent;
using System.Text;
using Dynamo.Core;
using Dynamo.Core.Versioning;
using Dynamo.Protos;
using Dynamo.Protos.Hosting;
using Dynamo.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Dynamo.Chaos.Cluster;

/// <summary>
/// Convergence, checked at the source: every primary replica of every key is read directly with the
/// nodes' own Replica.Read RPC (with the cluster credential), and the stored objects must be byte for
/// byte equal. The object encoding is canonical, so equal states are equal bytes.
/// </summary>
public sealed class ReplicaComparer : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private readonly Metadata _headers = new ClusterCredentials(ClusterApp.ClusterSecret).Headers(new NodeId("chaos-checker"));
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);

    public sealed record Difference(string Table, string Key, IReadOnlyList<string> Replicas)
    {
        public override string ToString() => $"{Table}/{Key}: {string.Join("; ", Replicas)}";
    }

    public sealed record Comparison(int Keys, int ReplicaReads, IReadOnlyList<Difference> Differences, IReadOnlyList<string> Errors)
    {
        public bool Converged => Differences.Count == 0 && Errors.Count == 0;

        public string Summary =>
            Converged ? $"{Keys} keys equal on all {ReplicaReads} replica reads" : $"{Differences.Count} keys differ, {Errors.Count} replica reads failed (of {Keys} keys)";
    }

    public async Task<Comparison> CompareAsync(ClusterTopology topology, IEnumerable<(string Table, string Key)> keys, CancellationToken cancellation)
    {
        var differences = new ConcurrentBag<Difference>();
        var errors = new ConcurrentBag<string>();
        var list = keys.ToList();
        int reads = 0;
        await Parallel.ForEachAsync(list, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellation }, async (k, ct) =>
        {
            var copies = new List<(string Node, byte[]? Bytes)>();
            foreach (var node in topology.Primaries(k.Table, k.Key))
            {
                if (topology.Node(node) is not { Address.Length: > 0 } member)
                {
                    errors.Add($"{k.Table}/{k.Key}: no address for {node}");
                    continue;
                }

                try
                {
                    copies.Add((node, await ReadAsync(member.Address, k.Table, k.Key, ct)));
                    Interlocked.Increment(ref reads);
                }
                catch (RpcException ex)
                {
                    errors.Add($"{k.Table}/{k.Key} on {node}: {ex.StatusCode}");
                }
            }

            if (copies.Count > 1 && copies.Any(c => !Same(c.Bytes, copies[0].Bytes)))
            {
                differences.Add(new Difference(k.Table, k.Key, [.. copies.Select(c => $"{c.Node} {Describe(c.Bytes)}")]));
            }
        });

        return new Comparison(list.Count, reads, [.. differences.OrderBy(d => d.Table, StringComparer.Ordinal).ThenBy(d => d.Key, StringComparer.Ordinal)], [.. errors]);
    }

    /// <summary>One replica's stored object, or null when it holds nothing for the key.</summary>
    public async Task<byte[]?> ReadAsync(string address, string table, string key, CancellationToken cancellation)
    {
        var channel = _channels.GetOrAdd(address, a => GrpcChannel.ForAddress(a));
        var reply = await new Replica.ReplicaClient(channel).ReadAsync(
            new ReplicaReadRequest { Table = table, Key = key }, _headers, DateTime.UtcNow + CallTimeout, cancellation);
        return reply.Found ? reply.Object.ToByteArray() : null;
    }

    /// <summary>A stored object for a human: its entries (actor, counter) and the workload values of its siblings.</summary>
    public static string Describe(byte[]? bytes)
    {
        if (bytes is null)
        {
            return "absent";
        }

        try
        {
            var set = ObjectCodec.Decode(bytes);
            var entries = new StringBuilder();
            foreach (var e in set.Entries)
            {
                var values = e.Values.Select(v => v.IsTombstone ? "<tombstone>" : Simulation.Workload.ValueOf(v.Value.Span));
                entries.Append($"{e.Actor}:{e.Counter}[{string.Join("|", values)}] ");
            }

            return $"{{{entries.ToString().TrimEnd()}}} ({bytes.Length} bytes)";
        }
        catch (FormatException ex)
        {
            return $"undecodable ({bytes.Length} bytes: {ex.Message})";
        }
    }

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }
}
