using Dynamo.Core;
using Dynamo.Protos;
using Dynamo.Protos.Hosting;
using Dynamo.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Dynamo.Chaos.Fuzzing;

/// <summary>
/// Random protobuf to every method of every gRPC service (Coordinator, Replica, Membership, and names that
/// do not exist) on every node and the seed, with the cluster credential, without it, with a wrong one,
/// or with a valid one and an odd caller id. Payloads are random bytes, random but well-formed protobuf
/// fields, messages of the right type with hostile field values, truncated or bit-flipped messages, and a
/// few of several megabytes. Sent as raw bytes through a byte[] marshaller, so nothing is validated on
/// the way out.
/// </summary>
public sealed class GrpcFuzzer(FuzzStats stats)
{
    private const string Category = "grpc";
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private static readonly ClusterCredentials Credentials = new(ClusterApp.ClusterSecret);

    private static readonly (string Service, string Method)[] Methods =
    [
        ("dynamo.v1.Coordinator", "Put"), ("dynamo.v1.Coordinator", "Get"), ("dynamo.v1.Coordinator", "PutTable"),
        ("dynamo.v1.Replica", "Write"), ("dynamo.v1.Replica", "Read"), ("dynamo.v1.Replica", "Sync"), ("dynamo.v1.Replica", "Fetch"),
        ("dynamo.v1.Replica", "MerkleTree"), ("dynamo.v1.Replica", "MerkleKeys"), ("dynamo.v1.Replica", "ReapCheck"), ("dynamo.v1.Replica", "Reap"),
        ("dynamo.v1.Membership", "Gossip"), ("dynamo.v1.Membership", "Ping"), ("dynamo.v1.Membership", "Join"),
        ("dynamo.v1.Replica", "Nope"), ("dynamo.v9.Nothing", "Call"), ("grpc.health.v1.Health", "Check"),
    ];

    private enum Caller
    {
        Valid,
        None,
        WrongToken,
        OddNodeId,
    }

    public async Task RunAsync(IReadOnlyList<FuzzTargets.Grpc> targets, int count, int seed, int workers)
    {
        var channels = targets.Select(t => (t.Name, Channel: GrpcChannel.ForAddress(t.Url, new GrpcChannelOptions { MaxReceiveMessageSize = null, MaxSendMessageSize = null }))).ToList();
        try
        {
            int issued = 0;
            await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
            {
                var random = new Random(unchecked((seed * 4099) + w));
                while (Interlocked.Increment(ref issued) <= count)
                {
                    var (name, channel) = channels[random.Next(channels.Count)];
                    await OneAsync(channel.CreateCallInvoker(), name, random);
                }
            }));
        }
        finally
        {
            foreach (var (_, channel) in channels)
            {
                channel.Dispose();
            }
        }
    }

    private async Task OneAsync(CallInvoker invoker, string target, Random random)
    {
        var (service, method) = Methods[random.Next(Methods.Length)];
        var caller = (Caller)random.Next(4);
        var (payload, what) = Payload(random, service, method);
        if (caller is Caller.Valid or Caller.OddNodeId && WouldReallyChangeTheCluster(service, method, payload))
        {
            // An authenticated peer may legitimately join a node or redefine a table: not fuzzing's business.
            payload = [];
            what = "empty message";
        }

        string request = $"{target} /{service}/{method} caller={caller} {what} ({payload.Length} bytes)";
        var call = new Method<byte[], byte[]>(MethodType.Unary, service, method, Raw, Raw);
        try
        {
            await invoker.AsyncUnaryCall(call, null, new CallOptions(Headers(caller, random), DateTime.UtcNow + CallTimeout), payload);
            stats.Count(Category, "grpc OK");
            if (caller is Caller.None or Caller.WrongToken)
            {
                stats.Finding($"accepted without a valid cluster credential: {request}");
            }
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Internal or StatusCode.Unknown or StatusCode.DataLoss)
        {
            string shape = Parses(service, method, payload) switch
            {
                true => "a well-formed request",
                false => "a malformed request",
                null => "an unknown method",
            };
            string credential = caller is Caller.Valid or Caller.OddNodeId ? "with" : "without";
            stats.ServerError(Category, $"grpc {ex.StatusCode}", $"grpc {ex.StatusCode} from /{service}/{method} for {shape}, {credential} the credential", $"{request}: {ex.Status.Detail}");
        }
        catch (RpcException ex)
        {
            stats.Count(Category, $"grpc {ex.StatusCode}");
            if (ex.StatusCode == StatusCode.OK && caller is Caller.None or Caller.WrongToken)
            {
                stats.Finding($"accepted without a valid cluster credential: {request}");
            }
        }
    }

    private static Metadata Headers(Caller caller, Random random) => caller switch
    {
        Caller.Valid => Credentials.Headers(new NodeId("fuzzer")),
        Caller.None => [],
        Caller.WrongToken => new Metadata
        {
            { ClusterCredentials.NodeHeader, "fuzzer" },
            { ClusterCredentials.TokenHeader, random.Next(2) == 0 ? Convert.ToBase64String(Garbage.Bytes(random, 32)) : Garbage.Ascii(random, random.Next(100)) },
        },
        _ => OddNodeId(random),
    };

    private static Metadata OddNodeId(Random random)
    {
        var headers = new Metadata { { ClusterCredentials.TokenHeader, Credentials.Token } };
        string? id = random.Next(4) switch
        {
            0 => null,
            1 => "",
            2 => new string('n', 129 + random.Next(500)),
            _ => Garbage.Ascii(random, 1 + random.Next(20), "ab !\"#$%&'()*+,/:;<=>?@[\\]^`{|}~"),
        };
        if (id is not null)
        {
            headers.Add(ClusterCredentials.NodeHeader, id);
        }

        return headers;
    }

    private static (byte[], string) Payload(Random random, string service, string method)
    {
        switch (random.Next(12))
        {
            case 0:
            case 1:
                return (Garbage.Bytes(random, random.Next(2048)), "random bytes");
            case 2:
                return (RandomFields(random), "random protobuf fields");
            case 3:
                return ([], "empty message");
            case 4:
                return (Garbage.Bytes(random, (2 << 20) + random.Next(4 << 20)), "several MiB of random bytes");
            case 5:
            {
                var message = Structured(random, service, method);
                return (message.Length > 1 ? message[..random.Next(1, message.Length)] : message, "truncated message");
            }

            case 6:
                return (Garbage.FlipBit(random, Structured(random, service, method)), "bit-flipped message");
            default:
                return (Structured(random, service, method), "hostile field values");
        }
    }

    /// <summary>Well-formed protobuf wire data with random field numbers, wire types and contents.</summary>
    private static byte[] RandomFields(Random random)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        for (int i = random.Next(1, 12); i > 0; i--)
        {
            int field = random.Next(1, 20);
            switch (random.Next(4))
            {
                case 0:
                    output.WriteTag(field, WireFormat.WireType.Varint);
                    output.WriteInt64(random.NextInt64(long.MinValue, long.MaxValue));
                    break;
                case 1:
                    output.WriteTag(field, WireFormat.WireType.LengthDelimited);
                    output.WriteBytes(ByteString.CopyFrom(Garbage.Bytes(random, random.Next(300))));
                    break;
                case 2:
                    output.WriteTag(field, WireFormat.WireType.Fixed64);
                    output.WriteFixed64((ulong)random.NextInt64());
                    break;
                default:
                    output.WriteTag(field, WireFormat.WireType.Fixed32);
                    output.WriteFixed32((uint)random.Next());
                    break;
            }
        }

        output.Flush();
        return stream.ToArray();
    }

    /// <summary>A message of the method's own type whose fields are out of range, oversized or malformed.</summary>
    private static byte[] Structured(Random random, string service, string method)
    {
        IMessage message = (service, method) switch
        {
            ("dynamo.v1.Coordinator", "Put") => new PutRequest
            {
                Table = Table(random),
                Key = Key(random),
                Value = new Value { Data = ByteString.CopyFrom(Garbage.Bytes(random, random.Next(4096))), ContentType = Garbage.Ascii(random, random.Next(300)), Tombstone = random.Next(5) == 0 },
                Context = random.Next(2) == 0 ? "" : Garbage.Ascii(random, random.Next(400)),
                W = random.Next(-3, 10),
                Forwarded = random.Next(2) == 0,
                Settings = random.Next(3) == 0 ? FuzzSettings(random) : null,
            },
            ("dynamo.v1.Coordinator", "Get") => new GetRequest { Table = Table(random), Key = Key(random), R = random.Next(-3, 10), Forwarded = random.Next(2) == 0, Settings = random.Next(3) == 0 ? FuzzSettings(random) : null },
            ("dynamo.v1.Coordinator", "PutTable") => new PutTableRequest { Name = random.Next(2) == 0 ? "fuzz" + random.Next(4) : Garbage.Unicode(random, random.Next(300)), N = random.Next(-3, 10), R = random.Next(-3, 10), W = random.Next(-3, 10) },
            ("dynamo.v1.Replica", "Write") => new ReplicaWriteRequest { Table = Table(random), Key = Key(random), Object = Blob(random), HintFor = random.Next(2) == 0 ? "" : Garbage.Unicode(random, random.Next(200)) },
            ("dynamo.v1.Replica", "Read") => new ReplicaReadRequest { Table = Table(random), Key = Key(random) },
            ("dynamo.v1.Replica", "Sync") => WithItems(new SyncRequest { Purpose = (SyncPurpose)random.Next(-2, 8) }, random, r => r.Items),
            ("dynamo.v1.Replica", "Fetch") => Fetch(random),
            ("dynamo.v1.Replica", "MerkleTree") => MerkleTree(random),
            ("dynamo.v1.Replica", "MerkleKeys") => MerkleKeys(random),
            ("dynamo.v1.Replica", "ReapCheck") => WithItems(new ReapCheckRequest(), random, r => r.Items),
            ("dynamo.v1.Replica", "Reap") => WithItems(new ReapRequest(), random, r => r.Items),
            ("dynamo.v1.Membership", "Gossip") => new GossipRequest { State = Blob(random) },
            ("dynamo.v1.Membership", "Join") => new JoinRequest
            {
                // Never a usable id: an authenticated join with a real id would really join.
                NodeId = random.Next(2) == 0 ? "" : new string('j', 129 + random.Next(300)),
                Address = Garbage.Unicode(random, random.Next(300)),
                Capacity = random.Next(-5, 100_000),
                Zone = Garbage.Unicode(random, random.Next(300)),
                Incarnation = random.NextInt64(long.MinValue, long.MaxValue),
            },
            _ => new PingRequest(),
        };
        return message.ToByteArray();
    }

    private static Protos.TableSettings FuzzSettings(Random random) =>
        new() { Name = "fuzz" + random.Next(4), N = random.Next(-3, 10), R = random.Next(-3, 10), W = random.Next(-3, 10), Version = random.NextInt64(long.MinValue, long.MaxValue) };

    private static string Table(Random random) => random.Next(4) switch
    {
        0 => "default",
        1 => "fuzz" + random.Next(4),
        2 => new string('t', 256 + random.Next(100)),
        _ => Garbage.Unicode(random, random.Next(40)),
    };

    private static string Key(Random random) => random.Next(4) switch
    {
        0 => "fz-" + Garbage.Ascii(random, 8),
        1 => "",
        2 => new string('k', 1025 + random.Next(4000)),
        _ => "fz-" + Garbage.Unicode(random, random.Next(60)),
    };

    private static ByteString Blob(Random random) => random.Next(3) switch
    {
        // Format version 1 followed by nonsense: gets past a first-byte check.
        0 => ByteString.CopyFrom([1, .. Garbage.Bytes(random, random.Next(300))]),
        1 => ByteString.CopyFrom([1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
        _ => ByteString.CopyFrom(Garbage.Bytes(random, random.Next(600))),
    };

    private static T WithItems<T>(T message, Random random, Func<T, Google.Protobuf.Collections.RepeatedField<Item>> items)
    {
        for (int i = random.Next(random.Next(4) == 0 ? 3_000 : 10); i > 0; i--)
        {
            items(message).Add(new Item { Table = Table(random), Key = Key(random), Object = Blob(random) });
        }

        return message;
    }

    private static FetchRequest Fetch(Random random)
    {
        var request = new FetchRequest();
        for (int i = random.Next(random.Next(4) == 0 ? 20_000 : 20); i > 0; i--)
        {
            request.Keys.Add(new TableKey { Table = Table(random), Key = Key(random) });
        }

        return request;
    }

    private static MerkleTreeRequest MerkleTree(Random random)
    {
        var request = new MerkleTreeRequest { Partition = Int(random), N = random.Next(-2, 12), Level = random.Next(-2, 64) };
        for (int i = random.Next(random.Next(4) == 0 ? 100_000 : 10); i > 0; i--)
        {
            request.Indices.Add(Int(random));
        }

        return request;
    }

    private static MerkleKeysRequest MerkleKeys(Random random)
    {
        var request = new MerkleKeysRequest { Partition = Int(random), N = random.Next(-2, 12) };
        for (int i = random.Next(random.Next(4) == 0 ? 100_000 : 10); i > 0; i--)
        {
            request.Leaves.Add(Int(random));
        }

        return request;
    }

    private static int Int(Random random) => random.Next(5) switch
    {
        0 => -1,
        1 => int.MaxValue,
        2 => int.MinValue,
        3 => random.Next(0, 64),
        _ => random.Next(),
    };

    /// <summary>Whether the payload is valid protobuf for the method's request type (null: the method does not exist).</summary>
    private static bool? Parses(string service, string method, byte[] payload)
    {
        MessageParser? parser = (service, method) switch
        {
            ("dynamo.v1.Coordinator", "Put") => PutRequest.Parser,
            ("dynamo.v1.Coordinator", "Get") => GetRequest.Parser,
            ("dynamo.v1.Coordinator", "PutTable") => PutTableRequest.Parser,
            ("dynamo.v1.Replica", "Write") => ReplicaWriteRequest.Parser,
            ("dynamo.v1.Replica", "Read") => ReplicaReadRequest.Parser,
            ("dynamo.v1.Replica", "Sync") => SyncRequest.Parser,
            ("dynamo.v1.Replica", "Fetch") => FetchRequest.Parser,
            ("dynamo.v1.Replica", "MerkleTree") => MerkleTreeRequest.Parser,
            ("dynamo.v1.Replica", "MerkleKeys") => MerkleKeysRequest.Parser,
            ("dynamo.v1.Replica", "ReapCheck") => ReapCheckRequest.Parser,
            ("dynamo.v1.Replica", "Reap") => ReapRequest.Parser,
            ("dynamo.v1.Membership", "Gossip") => GossipRequest.Parser,
            ("dynamo.v1.Membership", "Ping") => PingRequest.Parser,
            ("dynamo.v1.Membership", "Join") => JoinRequest.Parser,
            _ => null,
        };
        if (parser is null)
        {
            return null;
        }

        try
        {
            parser.ParseFrom(payload);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether an authenticated call would legitimately change membership or redefine a workload table:
    /// a join with a usable node id, or table settings for a table the fuzzer does not own.
    /// </summary>
    private static bool WouldReallyChangeTheCluster(string service, string method, byte[] payload)
    {
        try
        {
            return (service, method) switch
            {
                ("dynamo.v1.Membership", "Join") => UsableId(JoinRequest.Parser.ParseFrom(payload).NodeId),
                ("dynamo.v1.Coordinator", "PutTable") => NotOurs(PutTableRequest.Parser.ParseFrom(payload).Name),
                ("dynamo.v1.Coordinator", "Put") => PutRequest.Parser.ParseFrom(payload).Settings is { } s && NotOurs(s.Name),
                ("dynamo.v1.Coordinator", "Get") => GetRequest.Parser.ParseFrom(payload).Settings is { } s && NotOurs(s.Name),
                _ => false,
            };
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }

        static bool UsableId(string id) => id.Length is > 0 and <= NodeId.MaxLength;

        static bool NotOurs(string table) => Core.Membership.TableSettings.IsValidName(table) && !table.StartsWith("fuzz", StringComparison.Ordinal);
    }
}
