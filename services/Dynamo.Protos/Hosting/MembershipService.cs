using Grpc.Core;
using C = Dynamo.Core.Runtime;

namespace Dynamo.Protos.Hosting;

/// <summary>Gossip and heartbeats, delivered to a node's or an observer's state machine; joins go to the seed.</summary>
public sealed class MembershipService(StateMachineHost host, Func<JoinRequest, ServerCallContext, Task<GossipReply>>? join = null) : Membership.MembershipBase
{
    public override async Task<GossipReply> Gossip(GossipRequest request, ServerCallContext context)
    {
        var state = ProtoMapper.State(request.State);
        var reply = (C.GossipReply)await host.CallInboundAsync(ClusterAuthInterceptor.Caller(context), id => new C.GossipRequest(id, state), context.CancellationToken);
        return new GossipReply { State = ProtoMapper.Bytes(reply.State) };
    }

    public override async Task<PingReply> Ping(PingRequest request, ServerCallContext context)
    {
        await host.CallInboundAsync(ClusterAuthInterceptor.Caller(context), id => new C.Ping(id), context.CancellationToken);
        return new PingReply();
    }

    public override Task<GossipReply> Join(JoinRequest request, ServerCallContext context) =>
        join is null
            ? throw new RpcException(new Status(StatusCode.Unimplemented, "Only the seed admits joining nodes."))
            : join(request, context);
}
