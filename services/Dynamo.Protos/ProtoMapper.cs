using System.Runtime.InteropServices;
using Dynamo.Core;
using Dynamo.Core.Membership;
using Dynamo.Core.Runtime;
using Dynamo.Core.Versioning;
using Google.Protobuf;
using Grpc.Core;
using CoreMessages = Dynamo.Core.Runtime;

namespace Dynamo.Protos;

/// <summary>
/// Between Core's messages and the wire. Decoding refuses anything malformed with InvalidArgument, so a
/// hostile or corrupt payload is a clear error to its sender and never reaches the state machine.
/// </summary>
public static class ProtoMapper
{
    public static Value ToProto(Sibling s) => new()
    {
        Data = s.IsTombstone ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(s.Value),
        ContentType = s.ContentType ?? "",
        Tombstone = s.IsTombstone,
    };

    public static Sibling FromProto(Value v) =>
        v.Tombstone ? Sibling.Tombstone : new Sibling(v.Data.ToByteArray(), string.IsNullOrEmpty(v.ContentType) ? null : v.ContentType);

    public static Protos.TableSettings? ToProto(Core.Membership.TableSettings? t) =>
        t is null ? null : new Protos.TableSettings { Name = t.Name, N = t.N, R = t.R, W = t.W, Version = t.Version };

    public static Core.Membership.TableSettings? FromProto(Protos.TableSettings? t)
    {
        if (t is null || string.IsNullOrEmpty(t.Name))
        {
            return null;
        }

        if (Core.Membership.TableSettings.Validate(t.N, t.R, t.W, 0) is { } error)
        {
            throw Invalid("table settings: " + error);
        }

        return new Core.Membership.TableSettings(t.Name, t.N, t.R, t.W, t.Version);
    }

    public static Protos.ClientReply ToProto(CoreMessages.ClientReply r)
    {
        var reply = new Protos.ClientReply
        {
            Status = (Protos.ClientStatus)r.Status,
            Context = r.Context ?? "",
            Error = r.Error ?? "",
            Replied = r.Replied,
            Required = r.Required,
        };
        foreach (var s in r.Values)
        {
            reply.Siblings.Add(ToProto(s));
        }

        return reply;
    }

    public static CoreMessages.ClientReply FromProto(long requestId, Protos.ClientReply r)
    {
        if (!Enum.IsDefined((CoreMessages.ClientStatus)r.Status))
        {
            throw Invalid("unknown client status");
        }

        return new CoreMessages.ClientReply(
            requestId,
            (CoreMessages.ClientStatus)r.Status,
            string.IsNullOrEmpty(r.Context) ? null : r.Context,
            [.. r.Siblings.Select(FromProto)],
            string.IsNullOrEmpty(r.Error) ? null : r.Error,
            r.Replied,
            r.Required);
    }

    public static ClientWrite FromProto(long id, PutRequest r) =>
        new(id, r.Table, r.Key, r.Value is null ? throw Invalid("a value is required") : FromProto(r.Value), string.IsNullOrEmpty(r.Context) ? null : r.Context, r.W == 0 ? null : r.W, r.Forwarded, FromProto(r.Settings));

    public static ClientRead FromProto(long id, GetRequest r) =>
        new(id, r.Table, r.Key, r.R == 0 ? null : r.R, r.Forwarded, FromProto(r.Settings));

    public static PutRequest ToProto(ClientWrite m) => new()
    {
        Table = m.Table,
        Key = m.Key,
        Value = ToProto(m.Value),
        Context = m.Context ?? "",
        W = m.W ?? 0,
        Forwarded = m.Forwarded,
        Settings = ToProto(m.Settings),
    };

    public static GetRequest ToProto(ClientRead m) => new()
    {
        Table = m.Table,
        Key = m.Key,
        R = m.R ?? 0,
        Forwarded = m.Forwarded,
        Settings = ToProto(m.Settings),
    };

    public static ClientRange FromProto(long id, RangeRequest r) =>
        new(id, r.Table, r.Partition, r.From.IsEmpty ? null : r.From.ToByteArray(), r.To.IsEmpty ? null : r.To.ToByteArray(), r.Reverse, r.Limit, r.R == 0 ? null : r.R, r.Forwarded, FromProto(r.Settings));

    public static RangeRequest ToProto(ClientRange m) => new()
    {
        Table = m.Table,
        Partition = m.Partition,
        From = m.From is null ? ByteString.Empty : ByteString.CopyFrom(m.From),
        To = m.To is null ? ByteString.Empty : ByteString.CopyFrom(m.To),
        Reverse = m.Reverse,
        Limit = m.Limit,
        R = m.R ?? 0,
        Forwarded = m.Forwarded,
        Settings = ToProto(m.Settings),
    };

    public static RangeReply ToProto(ClientRangeReply r)
    {
        var reply = new RangeReply
        {
            Status = (Protos.ClientStatus)r.Status,
            HasMore = r.HasMore,
            Next = r.Next is null ? ByteString.Empty : ByteString.CopyFrom(r.Next),
            Error = r.Error ?? "",
            Replied = r.Replied,
            Required = r.Required,
        };
        foreach (var item in r.Items)
        {
            var i = new Protos.RangeItem { Key = item.Key, Context = item.Context };
            i.Siblings.AddRange(item.Values.Select(ToProto));
            reply.Items.Add(i);
        }

        return reply;
    }

    public static ClientRangeReply FromProto(long requestId, RangeReply r)
    {
        if (!Enum.IsDefined((CoreMessages.ClientStatus)r.Status))
        {
            throw Invalid("unknown client status");
        }

        return new ClientRangeReply(
            requestId,
            (CoreMessages.ClientStatus)r.Status,
            [.. r.Items.Select(i => new CoreMessages.RangeItem(i.Key, [.. i.Siblings.Select(FromProto)], i.Context))],
            r.HasMore,
            r.Next.IsEmpty ? null : r.Next.ToByteArray(),
            string.IsNullOrEmpty(r.Error) ? null : r.Error,
            r.Replied,
            r.Required);
    }

    // The shared encoding is read-only, and so is a ByteString: wrapping it copies nothing.
    public static ByteString Bytes(DottedVersionVectorSet set) => UnsafeByteOperations.UnsafeWrap(ObjectCodec.EncodeShared(set));

    public static DottedVersionVectorSet Object(ByteString bytes)
    {
        try
        {
            // A parsed bytes field owns an exact-length array: the set can keep it as its encoding.
            return MemoryMarshal.TryGetArray(bytes.Memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                ? ObjectCodec.DecodeShared(segment.Array)
                : ObjectCodec.Decode(bytes.Span);
        }
        catch (FormatException ex)
        {
            throw Invalid("malformed object: " + ex.Message);
        }
    }

    public static ClusterState State(ByteString bytes)
    {
        try
        {
            return ClusterStateCodec.Decode(bytes.Span);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw Invalid("malformed cluster state: " + ex.Message);
        }
    }

    public static ByteString Bytes(ClusterState state) => UnsafeByteOperations.UnsafeWrap(ClusterStateCodec.Encode(state));

    public static Item ToProto(ReplicaItem i) => new() { Table = i.Table, Key = i.Key, Object = Bytes(i.Set) };

    public static ReplicaItem FromProto(Item i) => new(i.Table, i.Key, Object(i.Object));

    public static NodeId Node(string value) =>
        string.IsNullOrEmpty(value) || value.Length > NodeId.MaxLength ? throw Invalid("invalid node id") : new NodeId(value);

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
