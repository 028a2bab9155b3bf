using Grpc.Core;
using C = Dynamo.Core.Runtime;

namespace Dynamo.Protos.Hosting;

/// <summary>Turns an outgoing Core request into its unary gRPC call and the reply into the Core response.</summary>
public static class PeerCalls
{
    public static async Task<C.Message> InvokeAsync(CallInvoker invoker, C.Message request, CallOptions options)
    {
        switch (request)
        {
            case C.ReplicaWrite m:
                return Reply(m, await new Replica.ReplicaClient(invoker).WriteAsync(ToProto(m), options));

            case C.ReplicaRead m:
                return Reply(m, await new Replica.ReplicaClient(invoker).ReadAsync(ToProto(m), options));

            case C.ReplicaSync m:
            {
                var req = new SyncRequest { Purpose = (Protos.SyncPurpose)m.Purpose };
                req.Items.AddRange(m.Items.Select(ProtoMapper.ToProto));
                var ack = await new Replica.ReplicaClient(invoker).SyncAsync(req, options);
                return new C.ReplicaWriteAck(m.RequestId, ack.Ok);
            }

            case C.FetchRequest m:
            {
                var req = new Protos.FetchRequest();
                req.Keys.AddRange(m.Keys.Select(k => new Protos.TableKey { Table = k.Table, Key = k.Key }));
                var reply = await new Replica.ReplicaClient(invoker).FetchAsync(req, options);
                return new C.FetchReply(m.RequestId, [.. reply.Items.Select(ProtoMapper.FromProto)]);
            }

            case C.MerkleTreeRequest m:
            {
                var req = new Protos.MerkleTreeRequest { Partition = m.Partition, N = m.N, Level = m.Level };
                req.Indices.AddRange(m.Indices);
                var reply = await new Replica.ReplicaClient(invoker).MerkleTreeAsync(req, options);
                return new C.MerkleTreeReply(m.RequestId, reply.Ready, [.. reply.Hashes]);
            }

            case C.MerkleKeysRequest m:
            {
                var req = new Protos.MerkleKeysRequest { Partition = m.Partition, N = m.N };
                req.Leaves.AddRange(m.Leaves);
                var reply = await new Replica.ReplicaClient(invoker).MerkleKeysAsync(req, options);
                return new C.MerkleKeysReply(m.RequestId, reply.Ready, [.. reply.Keys.Select(k => new C.KeyVersion(k.Table, k.Key, k.VersionHash))]);
            }

            case C.ReapCheck m:
            {
                var req = new ReapCheckRequest();
                req.Items.AddRange(m.Items.Select(ProtoMapper.ToProto));
                var reply = await new Replica.ReplicaClient(invoker).ReapCheckAsync(req, options);
                return new C.ReapCheckReply(m.RequestId, [.. reply.Ok]);
            }

            case C.Reap m:
            {
                var req = new ReapRequest();
                req.Items.AddRange(m.Items.Select(ProtoMapper.ToProto));
                var ack = await new Replica.ReplicaClient(invoker).ReapAsync(req, options);
                return new C.ReplicaWriteAck(m.RequestId, ack.Ok);
            }

            case C.GossipRequest m:
            {
                var reply = await new Membership.MembershipClient(invoker).GossipAsync(new Protos.GossipRequest { State = ProtoMapper.Bytes(m.State) }, options);
                return new C.GossipReply(m.RequestId, ProtoMapper.State(reply.State));
            }

            case C.Ping m:
                await new Membership.MembershipClient(invoker).PingAsync(new PingRequest(), options);
                return new C.Pong(m.RequestId);

            case C.ClientWrite m:
            {
                var reply = await new Coordinator.CoordinatorClient(invoker).PutAsync(ProtoMapper.ToProto(m), options);
                return ProtoMapper.FromProto(m.RequestId, reply);
            }

            case C.ClientRead m:
            {
                var reply = await new Coordinator.CoordinatorClient(invoker).GetAsync(ProtoMapper.ToProto(m), options);
                return ProtoMapper.FromProto(m.RequestId, reply);
            }

            case C.ClientRange m:
            {
                var reply = await new Coordinator.CoordinatorClient(invoker).RangeAsync(ProtoMapper.ToProto(m), options);
                return ProtoMapper.FromProto(m.RequestId, reply);
            }

            case C.ReplicaRange m:
            {
                var req = new ReplicaRangeRequest
                {
                    Table = m.Table,
                    Partition = m.Partition,
                    From = m.From is null ? Google.Protobuf.ByteString.Empty : Google.Protobuf.ByteString.CopyFrom(m.From),
                    To = m.To is null ? Google.Protobuf.ByteString.Empty : Google.Protobuf.ByteString.CopyFrom(m.To),
                    Reverse = m.Reverse,
                    Limit = m.Limit,
                };
                var reply = await new Replica.ReplicaClient(invoker).RangeAsync(req, options);
                return new C.ReplicaRangeReply(m.RequestId, [.. reply.Items.Select(ProtoMapper.FromProto)], reply.Complete);
            }

            default:
                throw new NotSupportedException($"No RPC carries {request.GetType().Name}.");
        }
    }

    /// <summary>True for the messages <see cref="ReplicaBatcher"/> coalesces: the per-request replica traffic.</summary>
    public static bool Batchable(C.Message request) => request is C.ReplicaWrite or C.ReplicaRead;

    public static ReplicaWriteRequest ToProto(C.ReplicaWrite m) =>
        new() { Table = m.Table, Key = m.Key, Object = ProtoMapper.Bytes(m.Set), HintFor = m.HintFor?.Value ?? "" };

    public static ReplicaReadRequest ToProto(C.ReplicaRead m) => new() { Table = m.Table, Key = m.Key };

    public static C.Message Reply(C.ReplicaWrite m, Ack ack) => new C.ReplicaWriteAck(m.RequestId, ack.Ok);

    public static C.Message Reply(C.ReplicaRead m, ReplicaReadReply reply) =>
        new C.ReplicaReadReply(m.RequestId, reply.Found ? ProtoMapper.Object(reply.Object) : null);
}
