using Dynamo.Protos;
using Dynamo.Protos.Hosting;
using Dynamo.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Dynamo.Integration.Tests;

/// <summary>
/// Replica writes and reads between nodes travel coalesced in <c>Replica.Batch</c> calls
/// (<see cref="ReplicaBatcher"/>): each call of a batch is answered in its own place, in order, and a
/// malformed call refuses the batch before any of it is applied.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ReplicaBatchTests(SharedCluster shared)
{
    private static readonly Metadata Peer = new ClusterCredentials(ClusterApp.ClusterSecret).Headers(new Dynamo.Core.NodeId("tester"));

    [Fact]
    public async Task EachCallOfABatchIsAnsweredInItsPlace()
    {
        await shared.Cluster.Client.PutAsync("default", "batch-src", "hello"u8.ToArray(), "text/plain");
        using var channel = GrpcChannel.ForAddress(shared.Cluster.GrpcEndpoint("node1"));
        var replica = new Replica.ReplicaClient(channel);

        // node1 holds every key (N = 3 on three nodes) once its copy of the put has arrived.
        ReplicaBatchReply? first = null;
        await Eventually.Until(
            async () =>
            {
                first = await replica.BatchAsync(new ReplicaBatchRequest { Calls = { Read("batch-src"), Read("batch-never-written") } }, Peer);
                return first.Results[0].Read.Found;
            },
            TimeSpan.FromSeconds(30),
            "node1 to hold batch-src");
        Assert.Equal(2, first!.Results.Count);
        Assert.False(first.Results[1].Read.Found);
        var stored = first.Results[0].Read.Object;

        var second = await replica.BatchAsync(
            new ReplicaBatchRequest { Calls = { Write("batch-copy", stored), Read("batch-copy"), Write("", stored) } },
            Peer);
        Assert.Equal(3, second.Results.Count);
        Assert.True(second.Results[0].Write.Ok);
        Assert.Equal(stored, second.Results[1].Read.Object);
        Assert.False(second.Results[2].Write.Ok); // an empty key is refused, the rest of the batch is not
    }

    [Fact]
    public async Task ABatchWithAMalformedCallIsAnInvalidArgumentAndAppliesNothing()
    {
        using var channel = GrpcChannel.ForAddress(shared.Cluster.GrpcEndpoint("node2"));
        var replica = new Replica.ReplicaClient(channel);
        var garbage = ByteString.CopyFrom(1, 2, 3, 4, 5);
        var empty = ProtoMapper.Bytes(Dynamo.Core.Versioning.DottedVersionVectorSet.Empty);
        var valid = (await replica.BatchAsync(new ReplicaBatchRequest { Calls = { Read("batch-never-written") } }, Peer)).Results[0].Read;
        Assert.False(valid.Found);

        foreach (var bad in new[] { new ReplicaCall(), Write("batch-bad", garbage) })
        {
            var call = replica.BatchAsync(new ReplicaBatchRequest { Calls = { Write("batch-not-applied", empty), bad } }, Peer);
            var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        }

        var after = await replica.BatchAsync(new ReplicaBatchRequest { Calls = { Read("batch-not-applied") } }, Peer);
        Assert.False(after.Results[0].Read.Found);
    }

    private static ReplicaCall Read(string key) => new() { Read = new ReplicaReadRequest { Table = "default", Key = key } };

    private static ReplicaCall Write(string key, ByteString obj) => new() { Write = new ReplicaWriteRequest { Table = "default", Key = key, Object = obj } };
}
