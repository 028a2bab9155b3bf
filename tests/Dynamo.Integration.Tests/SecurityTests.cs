using System.Net;
using Dynamo.Testing;
using Dynamo.Protos;
using Grpc.Core;
using Grpc.Net.Client;

namespace Dynamo.Integration.Tests;

/// <summary>DESIGN §7: inter-node calls need the cluster credential, admin endpoints the admin key.</summary>
[Trait("Category", "Integration")]
public sealed class SecurityTests(SharedCluster shared)
{
    [Fact]
    public async Task AGrpcCallToANodeWithoutTheClusterCredentialIsRefused()
    {
        using var channel = GrpcChannel.ForAddress(shared.Cluster.GrpcEndpoint("node1"));
        var replica = new Replica.ReplicaClient(channel);
        var none = await Assert.ThrowsAsync<RpcException>(() => replica.ReadAsync(new ReplicaReadRequest { Table = "default", Key = "k" }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);

        var forged = new Metadata { { "dynamo-node", "intruder" }, { "dynamo-cluster-token", Convert.ToBase64String(new byte[32]) } };
        var wrong = await Assert.ThrowsAsync<RpcException>(() => replica.ReadAsync(new ReplicaReadRequest { Table = "default", Key = "k" }, forged).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);

        var gossip = await Assert.ThrowsAsync<RpcException>(() => new Membership.MembershipClient(channel).GossipAsync(new GossipRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, gossip.StatusCode);

        // With the credential the same call works.
        var credentials = new Dynamo.Protos.Hosting.ClusterCredentials(ClusterApp.ClusterSecret);
        var reply = await replica.ReadAsync(new ReplicaReadRequest { Table = "default", Key = "k" }, credentials.Headers(new Dynamo.Core.NodeId("tester")));
        Assert.NotNull(reply);
    }

    [Fact]
    public async Task MalformedProtobufFromAnAuthenticatedPeerIsAnInvalidArgument()
    {
        using var channel = GrpcChannel.ForAddress(shared.Cluster.GrpcEndpoint("node2"));
        var credentials = new Dynamo.Protos.Hosting.ClusterCredentials(ClusterApp.ClusterSecret);
        var call = new Replica.ReplicaClient(channel).WriteAsync(
            new ReplicaWriteRequest { Table = "default", Key = "k", Object = Google.Protobuf.ByteString.CopyFrom(1, 2, 3, 4, 5) },
            credentials.Headers(new Dynamo.Core.NodeId("tester")));
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Theory]
    [InlineData("node1", "dynamo.v1.Replica", "Write", true)]
    [InlineData("node2", "dynamo.v1.Coordinator", "Put", true)]
    [InlineData("node3", "dynamo.v1.Membership", "Gossip", false)]
    [InlineData("seed", "dynamo.v1.Membership", "Join", true)]
    public async Task BytesThatAreNotProtobufAreAnInvalidArgumentWithOrWithoutTheCredential(string resource, string service, string method, bool withCredential)
    {
        // A truncated length-delimited field: no protobuf parser accepts it.
        byte[] garbage = [0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x01];
        using var channel = GrpcChannel.ForAddress(shared.Cluster.GrpcEndpoint(resource));
        var raw = Marshallers.Create<byte[]>(b => b, b => b);
        var headers = withCredential
            ? new Dynamo.Protos.Hosting.ClusterCredentials(ClusterApp.ClusterSecret).Headers(new Dynamo.Core.NodeId("tester"))
            : new Metadata();
        var call = channel.CreateCallInvoker().AsyncUnaryCall(new Method<byte[], byte[]>(MethodType.Unary, service, method, raw, raw), null, new CallOptions(headers), garbage);
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Theory]
    [InlineData("node1", "/admin/status", "GET")]
    [InlineData("node1", "/admin/isolate", "POST")]
    [InlineData("node2", "/admin/decommission", "POST")]
    [InlineData("seed", "/admin/members", "GET")]
    [InlineData("seed", "/admin/nodes/node1/leave", "POST")]
    public async Task AdminEndpointsRefuseCallsWithoutTheAdminKey(string resource, string path, string method)
    {
        using var anonymous = shared.Cluster.Admin(resource, withKey: false);
        using var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        anonymous.DefaultRequestHeaders.Add("X-Dynamo-Admin-Key", "not-the-key");
        using var wrong = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task WithTheAdminKeyTheStatusIsServed()
    {
        var status = await shared.Cluster.StatusAsync("node3");
        Assert.Equal("node3", status.GetProperty("node").GetString());
        Assert.Equal("rocksdb", status.GetProperty("engine").GetString());
    }
}
