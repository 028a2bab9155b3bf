using Grpc.Core;
using C = Dynamo.Core.Runtime;

namespace Dynamo.Protos.Hosting;

/// <summary>Client requests (from the router or the partition-aware client) delivered to the node's coordinator.</summary>
public sealed class CoordinatorService(StateMachineHost host, IDurabilityBarrier durability, Func<PutTableRequest, PutTableReply> putTable) : Coordinator.CoordinatorBase
{
    public override async Task<ClientReply> Put(PutRequest request, ServerCallContext context)
    {
        var write = ProtoMapper.FromProto(host.NextInboundId(), request);
        var reply = (C.ClientReply)await host.CallInboundAsync(ClusterAuthInterceptor.Caller(context), write, context.CancellationToken);
        if (reply.Status == C.ClientStatus.Ok)
        {
            // The coordinator's own copy counts towards W: it must be durable before the client hears "ok".
            await durability.WaitAsync(context.CancellationToken);
        }

        return ProtoMapper.ToProto(reply);
    }

    public override async Task<ClientReply> Get(GetRequest request, ServerCallContext context)
    {
        var read = ProtoMapper.FromProto(host.NextInboundId(), request);
        var reply = (C.ClientReply)await host.CallInboundAsync(ClusterAuthInterceptor.Caller(context), read, context.CancellationToken);
        return ProtoMapper.ToProto(reply);
    }

    public override async Task<RangeReply> Range(RangeRequest request, ServerCallContext context)
    {
        var range = ProtoMapper.FromProto(host.NextInboundId(), request);
        var reply = (C.ClientRangeReply)await host.CallInboundAsync(ClusterAuthInterceptor.Caller(context), range, context.CancellationToken);
        return ProtoMapper.ToProto(reply);
    }

    public override Task<PutTableReply> PutTable(PutTableRequest request, ServerCallContext context) => Task.FromResult(putTable(request));
}
