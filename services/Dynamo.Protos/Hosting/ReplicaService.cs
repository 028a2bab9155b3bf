using Grpc.Core;
using C = Dynamo.Core.Runtime;

namespace Dynamo.Protos.Hosting;

/// <summary>The node-to-node replication RPCs, delivered to the node's state machine.</summary>
public sealed class ReplicaService(StateMachineHost host, IDurabilityBarrier durability) : Replica.ReplicaBase
{
    public override async Task<Ack> Write(ReplicaWriteRequest request, ServerCallContext context)
    {
        var reply = await Call(context, WriteOf(request));
        return await DurableAck(reply, context);
    }

    public override async Task<ReplicaReadReply> Read(ReplicaReadRequest request, ServerCallContext context) =>
        ToProto((C.ReplicaReadReply)await Call(context, ReadOf(request)));

    // Parsed (and refused if malformed) before the state machine sees anything.
    private static Func<long, C.Message> WriteOf(ReplicaWriteRequest request)
    {
        var set = ProtoMapper.Object(request.Object);
        var hintFor = string.IsNullOrEmpty(request.HintFor) ? (Dynamo.Core.NodeId?)null : ProtoMapper.Node(request.HintFor);
        return id => new C.ReplicaWrite(id, request.Table, request.Key, set, hintFor);
    }

    private static Func<long, C.Message> ReadOf(ReplicaReadRequest request) => id => new C.ReplicaRead(id, request.Table, request.Key);

    private static ReplicaReadReply ToProto(C.ReplicaReadReply reply) =>
        reply.Set is null ? new ReplicaReadReply { Found = false } : new ReplicaReadReply { Found = true, Object = ProtoMapper.Bytes(reply.Set) };

    public override async Task<Ack> Sync(SyncRequest request, ServerCallContext context)
    {
        if (!Enum.IsDefined((C.SyncPurpose)request.Purpose))
        {
            throw ProtoMapper.Invalid("unknown sync purpose");
        }

        var items = request.Items.Select(ProtoMapper.FromProto).ToList();
        var reply = await Call(context, id => new C.ReplicaSync(id, items, (C.SyncPurpose)request.Purpose));
        return await DurableAck(reply, context);
    }

    public override async Task<FetchReply> Fetch(FetchRequest request, ServerCallContext context)
    {
        var keys = request.Keys.Select(k => new C.TableKey(k.Table, k.Key)).ToList();
        var reply = (C.FetchReply)await Call(context, id => new C.FetchRequest(id, keys));
        var result = new FetchReply();
        result.Items.AddRange(reply.Items.Select(ProtoMapper.ToProto));
        return result;
    }

    public override async Task<MerkleTreeReply> MerkleTree(MerkleTreeRequest request, ServerCallContext context)
    {
        var reply = (C.MerkleTreeReply)await Call(context, id => new C.MerkleTreeRequest(id, request.Partition, request.N, request.Level, [.. request.Indices]));
        var result = new MerkleTreeReply { Ready = reply.Ready };
        result.Hashes.AddRange(reply.Hashes);
        return result;
    }

    public override async Task<MerkleKeysReply> MerkleKeys(MerkleKeysRequest request, ServerCallContext context)
    {
        var reply = (C.MerkleKeysReply)await Call(context, id => new C.MerkleKeysRequest(id, request.Partition, request.N, [.. request.Leaves]));
        var result = new MerkleKeysReply { Ready = reply.Ready };
        result.Keys.AddRange(reply.Keys.Select(k => new KeyVersion { Table = k.Table, Key = k.Key, VersionHash = k.VersionHash }));
        return result;
    }

    public override async Task<ReapCheckReply> ReapCheck(ReapCheckRequest request, ServerCallContext context)
    {
        var items = request.Items.Select(ProtoMapper.FromProto).ToList();
        var reply = (C.ReapCheckReply)await Call(context, id => new C.ReapCheck(id, items));
        var result = new ReapCheckReply();
        result.Ok.AddRange(reply.Ok);
        return result;
    }

    public override async Task<Ack> Reap(ReapRequest request, ServerCallContext context)
    {
        var items = request.Items.Select(ProtoMapper.FromProto).ToList();
        var reply = await Call(context, id => new C.Reap(id, items));
        return await DurableAck(reply, context);
    }

    public override async Task<ReplicaRangeReply> Range(ReplicaRangeRequest request, ServerCallContext context)
    {
        var reply = (C.ReplicaRangeReply)await Call(context, id => new C.ReplicaRange(
            id,
            request.Table,
            request.Partition,
            request.From.IsEmpty ? null : request.From.ToByteArray(),
            request.To.IsEmpty ? null : request.To.ToByteArray(),
            request.Reverse,
            request.Limit));
        var result = new ReplicaRangeReply { Complete = reply.Complete };
        result.Items.AddRange(reply.Items.Select(ProtoMapper.ToProto));
        return result;
    }

    public override async Task<ReplicaBatchReply> Batch(ReplicaBatchRequest request, ServerCallContext context)
    {
        var calls = new InboundCall[request.Calls.Count];
        for (int i = 0; i < calls.Length; i++)
        {
            var call = request.Calls[i];
            calls[i] = new(
                call.CallCase switch
                {
                    ReplicaCall.CallOneofCase.Write => WriteOf(call.Write),
                    ReplicaCall.CallOneofCase.Read => ReadOf(call.Read),
                    _ => throw ProtoMapper.Invalid($"call {i} of the batch is empty"),
                },
                call.Traceparent);
        }

        var replies = await host.CallInboundManyAsync(ClusterAuthInterceptor.Caller(context), calls, ServedSpanName, context.CancellationToken);
        var result = new ReplicaBatchReply();
        bool wrote = false;
        foreach (var reply in replies)
        {
            switch (reply)
            {
                case C.ReplicaWriteAck ack:
                    wrote |= ack.Ok;
                    result.Results.Add(new ReplicaResult { Write = new Ack { Ok = ack.Ok } });
                    break;
                case C.ReplicaReadReply read:
                    result.Results.Add(new ReplicaResult { Read = ToProto(read) });
                    break;
                default:
                    result.Results.Add(new ReplicaResult());
                    break;
            }
        }

        // One sync makes every write of the batch durable before any is acknowledged.
        if (wrote)
        {
            await durability.WaitAsync(context.CancellationToken);
        }

        return result;
    }

    // The span a replica node records for each call it serves from a batch (the coordinator's side is "dynamo.replica put|get").
    private static string ServedSpanName(C.Message request) => request is C.ReplicaWrite ? "dynamo.replica.serve write" : "dynamo.replica.serve read";

    private Task<C.Message> Call(ServerCallContext context, Func<long, C.Message> request) =>
        host.CallInboundAsync(ClusterAuthInterceptor.Caller(context), request, context.CancellationToken);

    private async Task<Ack> DurableAck(C.Message reply, ServerCallContext context)
    {
        bool ok = reply is C.ReplicaWriteAck { Ok: true };
        if (ok)
        {
            await durability.WaitAsync(context.CancellationToken);
        }

        return new Ack { Ok = ok };
    }
}
