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
        var reply = await Send(table, key, settings, (c, o) => new Coordinator.CoordinatorClient(c).GetAsync(request, o).ResponseAsync, cancellation);
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

    /// <summary>Sends a request as built by the caller (the router builds them from HTTP requests).</summary>
    public Task<Forwarder.Outcome> SendAsync(string table, string key, TableSettings settings, Func<Grpc.Core.CallInvoker, Grpc.Core.CallOptions, Task<Protos.ClientReply>> call, CancellationToken cancellation) =>
        _forwarder.SendAsync(table, key, settings, call, cancellation);

    private async Task<string> Write(string table, string key, Value value, string? context, int? w, CancellationToken cancellation)
    {
        var settings = Settings(table);
        var request = new PutRequest { Table = table, Key = key, Value = value, Context = context ?? "", W = w ?? 0, Settings = ProtoMapper.ToProto(settings) };
        var reply = await Send(table, key, settings, (c, o) => new Coordinator.CoordinatorClient(c).PutAsync(request, o).ResponseAsync, cancellation);
        return reply.Status == ClientStatus.Ok ? reply.Context : throw Failure(reply);
    }

    private TableSettings Settings(string table) =>
        _view.Table(table) ?? throw new DynamoException(404, "Unknown table", $"Table '{table}' does not exist.");

    private async Task<Protos.ClientReply> Send(string table, string key, TableSettings settings, Func<Grpc.Core.CallInvoker, Grpc.Core.CallOptions, Task<Protos.ClientReply>> call, CancellationToken cancellation)
    {
        var outcome = await _forwarder.SendAsync(table, key, settings, call, cancellation);
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
