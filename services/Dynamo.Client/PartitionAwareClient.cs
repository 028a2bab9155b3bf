using Dynamo.Core.Membership;
using Dynamo.Protos;
using Microsoft.Extensions.Logging;
using TableSettings = Dynamo.Core.Membership.TableSettings;

namespace Dynamo.Client;

/// <summary>
/// The partition-aware client (paper §4.5: "a partition-aware client library that routes requests
/// directly to the appropriate coordinator nodes"). It follows the ring by gossip and sends each request
/// to the first healthy primary of its key over gRPC, saving the router's hop. It needs the cluster
/// secret: it speaks the nodes' own protocol.
/// </summary>
public sealed class PartitionAwareClient : IDynamoClient, IDisposable
{
    private readonly ClusterView _view;
    private readonly Forwarder _forwarder;

    public PartitionAwareClient(PartitionAwareClientOptions options, ILogger? logger = null)
    {
        _view = new ClusterView(options, logger);
        _forwarder = new Forwarder(_view);
        _view.Start();
    }

    public ClusterView View => _view;

    /// <summary>Creates a client and waits until it knows the ring.</summary>
    public static async Task<PartitionAwareClient> ConnectAsync(PartitionAwareClientOptions options, TimeSpan timeout, CancellationToken cancellation = default)
    {
        var client = new PartitionAwareClient(options);
        try
        {
            await client._view.WaitForRingAsync(timeout, cancellation);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async Task<ReadResult> GetAsync(string table, string key, int? r = null, CancellationToken cancellation = default)
    {
        var settings = Settings(table);
        var request = new GetRequest { Table = table, Key = key, R = r ?? 0, Settings = ProtoMapper.ToProto(settings) };
        var reply = await Send(table, key, settings, idempotent: true, (c, o) => new Coordinator.CoordinatorClient(c).GetAsync(request, o).ResponseAsync, cancellation);
        return reply.Status switch
        {
            ClientStatus.Ok => new ReadResult([.. reply.Siblings.Select(s => new VersionedValue(s.Data.ToByteArray(), NullIfEmpty(s.ContentType)))], reply.Context),
            ClientStatus.NotFound => new ReadResult([], NullIfEmpty(reply.Context)),
            _ => throw Failure(reply),
        };
    }

    public async Task<string> PutAsync(string table, string key, ReadOnlyMemory<byte> value, string? contentType = null, string? context = null, int? w = null, CancellationToken cancellation = default)
    {
        var v = new Value { Data = Google.Protobuf.ByteString.CopyFrom(value.Span), ContentType = contentType ?? "" };
        return await Write(table, key, v, context, w, cancellation);
    }

    public Task DeleteAsync(string table, string key, string? context = null, int? w = null, CancellationToken cancellation = default) =>
        Write(table, key, new Value { Tombstone = true }, context, w, cancellation);

    /// <summary>Q, the cluster's partition count, once the ring is known.</summary>
    public int PartitionCount => _view.State.Ring?.PartitionCount ?? throw new DynamoException(503, "No storage nodes", "The cluster has no ring yet.");

    /// <summary>
    /// An ordered read of one partition of a table: keys whose storage keys lie in [from, to) (null: the
    /// partition's bounds), forward or reversed, at most <paramref name="limit"/> (see
    /// <see cref="Dynamo.Core.Storage.StorageKeys.CompoundRange"/> for the bounds of one hash key).
    /// </summary>
    public async Task<RangePage> RangeAsync(string table, int partition, byte[]? from, byte[]? to, bool reverse, int limit, int? r = null, CancellationToken cancellation = default)
    {
        var settings = Settings(table);
        var request = new RangeRequest
        {
            Table = table,
            Partition = partition,
            From = from is null ? Google.Protobuf.ByteString.Empty : Google.Protobuf.ByteString.CopyFrom(from),
            To = to is null ? Google.Protobuf.ByteString.Empty : Google.Protobuf.ByteString.CopyFrom(to),
            Reverse = reverse,
            Limit = limit,
            R = r ?? 0,
            Settings = ProtoMapper.ToProto(settings),
        };
        var (reply, failure) = await _forwarder.SendToPartitionAsync(partition, settings, (c, o) => new Coordinator.CoordinatorClient(c).RangeAsync(request, o).ResponseAsync, cancellation);
        if (reply is null)
        {
            throw new DynamoException(503, failure!.Title, failure.Detail);
        }

        return reply.Status switch
        {
            ClientStatus.Ok => new RangePage(
                [.. reply.Items.Select(i => new RangeEntry(i.Key, [.. i.Siblings.Select(s => new VersionedValue(s.Data.ToByteArray(), NullIfEmpty(s.ContentType)))], i.Context))],
                reply.HasMore,
                reply.Next.IsEmpty ? null : reply.Next.ToByteArray()),
            ClientStatus.BadRequest => throw new DynamoException(400, "Bad request", reply.Error),
            ClientStatus.UnknownTable => throw new DynamoException(404, "Unknown table", reply.Error),
            _ => throw new DynamoException(503, "Quorum not met", string.IsNullOrEmpty(reply.Error) ? $"{reply.Replied} of {reply.Required} replicas answered." : reply.Error),
        };
    }

    /// <summary>Creates or changes a table (internal tables, whose names start with '$', included).</summary>
    public async Task<TableSettings> PutTableAsync(string name, int n, int r, int w, CancellationToken cancellation = default)
    {
        var ring = _view.State.Ring ?? throw new DynamoException(503, "No storage nodes", "The cluster has no ring yet.");
        var headers = _view.Credentials.Headers(_view.Self);
        foreach (var node in ring.Members.Select(m => m.Id).Where(_view.IsAvailable).Take(3))
        {
            if (_view.AddressOf(node) is not { } address)
            {
                continue;
            }

            try
            {
                var reply = await new Coordinator.CoordinatorClient(_view.Channels.For(address)).PutTableAsync(
                    new PutTableRequest { Name = name, N = n, R = r, W = w },
                    new Grpc.Core.CallOptions(headers, DateTime.UtcNow.AddMilliseconds(_view.Options.RequestTimeoutMs), cancellation));
                if (!string.IsNullOrEmpty(reply.Error))
                {
                    throw new DynamoException(400, "Bad table settings", reply.Error);
                }

                var settings = ProtoMapper.FromProto(reply.Settings)!;
                _view.Learn(settings);
                return settings;
            }
            catch (Grpc.Core.RpcException)
            {
                _view.Suspect(node);
            }
        }

        throw new DynamoException(503, "No storage node reachable", "No node answered the table change.");
    }

    /// <summary>Sends a request as built by the caller (the router builds them from HTTP requests).</summary>
    public Task<Forwarder.Outcome> SendAsync(string table, string key, TableSettings settings, bool idempotent, Func<Grpc.Core.CallInvoker, Grpc.Core.CallOptions, Task<Protos.ClientReply>> call, CancellationToken cancellation) =>
        _forwarder.SendAsync(table, key, settings, idempotent, call, cancellation);

    private async Task<string> Write(string table, string key, Value value, string? context, int? w, CancellationToken cancellation)
    {
        var settings = Settings(table);
        var request = new PutRequest { Table = table, Key = key, Value = value, Context = context ?? "", W = w ?? 0, Settings = ProtoMapper.ToProto(settings) };
        var reply = await Send(table, key, settings, idempotent: false, (c, o) => new Coordinator.CoordinatorClient(c).PutAsync(request, o).ResponseAsync, cancellation);
        return reply.Status == ClientStatus.Ok ? reply.Context : throw Failure(reply);
    }

    private TableSettings Settings(string table) =>
        _view.Table(table) ?? throw new DynamoException(404, "Unknown table", $"Table '{table}' does not exist.");

    private async Task<Protos.ClientReply> Send(string table, string key, TableSettings settings, bool idempotent, Func<Grpc.Core.CallInvoker, Grpc.Core.CallOptions, Task<Protos.ClientReply>> call, CancellationToken cancellation)
    {
        var outcome = await _forwarder.SendAsync(table, key, settings, idempotent, call, cancellation);
        return outcome.Reply ?? throw new DynamoException(503, outcome.Title, outcome.Detail);
    }

    private static DynamoException Failure(Protos.ClientReply reply) => reply.Status switch
    {
        ClientStatus.BadRequest => new DynamoException(400, "Bad request", reply.Error),
        ClientStatus.UnknownTable => new DynamoException(404, "Unknown table", reply.Error),
        ClientStatus.NotFound => new DynamoException(404, "Not found", reply.Error),
        _ => new DynamoException(503, "Quorum not met", string.IsNullOrEmpty(reply.Error) ? $"{reply.Replied} of {reply.Required} replicas answered." : reply.Error),
    };

    private static string? NullIfEmpty(string s) => string.IsNullOrEmpty(s) ? null : s;

    public void Dispose() => _view.Dispose();
}
