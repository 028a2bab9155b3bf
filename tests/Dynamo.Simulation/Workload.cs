using System.Text;
using Dynamo.Core;
using Dynamo.Core.Membership;
using Dynamo.Core.Runtime;
using Dynamo.Core.Versioning;

namespace Dynamo.Simulation;

/// <summary>
/// Simulated clients. Each loops: read a key, then write a new unique value with the read's context (or
/// delete it), recording every operation with the values it had read. Set clients add unique elements
/// to a set by read, merge of the siblings, add, write (Jepsen's set workload). A client sends to a
/// random node, as a router in front of the cluster would after a failed health check or two.
/// </summary>
public sealed class Workload
{
    public const string KvTable = TableSettings.DefaultTable;
    public const string SetTable = "sets";

    private readonly Simulator _sim;
    private readonly SimNetwork _net;
    private readonly SimCluster _cluster;
    private readonly Random _random;
    private readonly History _history;
    private readonly TableSettings _setTable;
    private readonly string[] _kvKeys;
    private readonly string[] _setKeys;
    private readonly long _requestTimeout;
    private readonly Dictionary<NodeId, Dictionary<long, Action<ClientReply>>> _waiting = [];
    private long _nextRequest = 1;
    private bool _stopped;

    /// <summary>Planted bug: a write that timed out is sent again to another node.</summary>
    public bool RetryAmbiguousWrites { get; init; }

    public Workload(Simulator sim, SimNetwork net, SimCluster cluster, Random random, History history, int kvKeys, int setKeys, TableSettings setTable, long requestTimeout)
    {
        _sim = sim;
        _net = net;
        _cluster = cluster;
        _random = random;
        _history = history;
        _setTable = setTable;
        _requestTimeout = requestTimeout;
        _kvKeys = [.. Enumerable.Range(0, kvKeys).Select(i => "k" + i)];
        _setKeys = [.. Enumerable.Range(0, setKeys).Select(i => "s" + i)];
    }

    public IEnumerable<(string Table, string Key)> Keys =>
        _kvKeys.Select(k => (KvTable, k)).Concat(_setKeys.Select(k => (SetTable, k)));

    public static string ValueOf(ReadOnlySpan<byte> bytes)
    {
        var s = Encoding.UTF8.GetString(bytes);
        int bar = s.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? s : s[..bar];
    }

    public static IEnumerable<string> ElementsOf(ReadOnlySpan<byte> bytes)
    {
        var s = Encoding.UTF8.GetString(bytes);
        int bar = s.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 || bar == s.Length - 1 ? [] : s[(bar + 1)..].Split(',');
    }

    public void StartClients(int kvClients, int setClients, long at)
    {
        for (int i = 0; i < kvClients; i++)
        {
            var id = new NodeId("client-kv" + i);
            Register(id);
            _sim.At(at + _random.Next(200), () => KvLoop(id));
        }

        for (int i = 0; i < setClients; i++)
        {
            var id = new NodeId("client-set" + i);
            Register(id);
            _sim.At(at + _random.Next(200), () => SetLoop(id));
        }
    }

    public void Stop() => _stopped = true;

    /// <summary>A read at R = N through the normal request path, for the final state.</summary>
    public void FinalRead(NodeId via, string table, string key, int n, Action<ClientReply?> done)
    {
        var client = new NodeId("client-final");
        Register(client);
        var settings = table == SetTable ? _setTable : null;
        Request(client, via, id => new ClientRead(id, table, key, R: n, Settings: settings), done);
    }

    private void Register(NodeId client)
    {
        if (_waiting.ContainsKey(client))
        {
            return;
        }

        _waiting[client] = [];
        _cluster.Clients[client] = (_, message) =>
        {
            if (message is ClientReply reply && _waiting[client].Remove(reply.RequestId, out var k))
            {
                k(reply);
            }
        };
    }

    private void Request(NodeId client, NodeId via, Func<long, Message> make, Action<ClientReply?> done)
    {
        long id = _nextRequest++;
        _waiting[client][id] = r => done(r);
        _net.Send(client, via, make(id));
        _sim.After(_requestTimeout, () =>
        {
            if (_waiting[client].Remove(id))
            {
                done(null);
            }
        });
    }

    private NodeId PickNode()
    {
        var live = _cluster.Nodes.Where(n => n.IsUp && !n.Retired).Select(n => n.Id).ToList();
        var all = _cluster.Nodes.Where(n => !n.Retired).Select(n => n.Id).ToList();
        var from = live.Count > 0 && _random.NextDouble() < 0.9 ? live : all;
        return from[_random.Next(from.Count)];
    }

    private void Later(Action next) => _sim.After(1 + _random.Next(40), () =>
    {
        if (!_stopped)
        {
            next();
        }
    });

    private void KvLoop(NodeId client)
    {
        if (_stopped)
        {
            return;
        }

        string key = _kvKeys[_random.Next(_kvKeys.Length)];
        ReadThen(client, KvTable, key, null, (read, values, context) =>
        {
            if (read.Outcome != Outcome.Ok)
            {
                Later(() => KvLoop(client));
                return;
            }

            bool delete = _random.NextDouble() < 0.12;
            int id = _history.NextId;
            var op = _history.Add(new HistoryOp
            {
                Id = id,
                Client = client.Value,
                Kind = delete ? OpKind.Delete : OpKind.Write,
                Table = KvTable,
                Key = key,
                Value = delete ? null : "w" + id,
                ReadSet = values.Select(v => ValueOf(v.Value.Span)).ToHashSet(),
                Invoked = _sim.Now,
            });
            var sibling = delete ? Sibling.Tombstone : new Sibling(Encoding.UTF8.GetBytes(op.Value!), "text/plain");
            Write(client, op, rid => new ClientWrite(rid, KvTable, key, sibling, context), () => Later(() => KvLoop(client)));
        });
    }

    private void SetLoop(NodeId client)
    {
        if (_stopped)
        {
            return;
        }

        string key = _setKeys[_random.Next(_setKeys.Length)];
        ReadThen(client, SetTable, key, _setTable, (read, values, context) =>
        {
            if (read.Outcome != Outcome.Ok)
            {
                Later(() => SetLoop(client));
                return;
            }

            int id = _history.NextId;
            string element = "e" + id;
            var merged = values.SelectMany(v => ElementsOf(v.Value.Span)).Append(element).Distinct().Order(StringComparer.Ordinal);
            var op = _history.Add(new HistoryOp
            {
                Id = id,
                Client = client.Value,
                Kind = OpKind.SetAdd,
                Table = SetTable,
                Key = key,
                Value = "w" + id,
                Element = element,
                ReadSet = values.Select(v => ValueOf(v.Value.Span)).ToHashSet(),
                Invoked = _sim.Now,
            });
            var bytes = Encoding.UTF8.GetBytes(op.Value + "|" + string.Join(",", merged));
            Write(client, op, rid => new ClientWrite(rid, SetTable, key, new Sibling(bytes, "text/plain"), context, Settings: _setTable), () => Later(() => SetLoop(client)));
        });
    }

    private void ReadThen(NodeId client, string table, string key, TableSettings? settings, Action<HistoryOp, IReadOnlyList<Sibling>, string?> then)
    {
        var op = _history.Add(new HistoryOp { Id = _history.NextId, Client = client.Value, Kind = OpKind.Read, Table = table, Key = key, Invoked = _sim.Now });
        Request(client, PickNode(), id => new ClientRead(id, table, key, Settings: settings), reply =>
        {
            op.Completed = _sim.Now;
            if (reply is { Status: ClientStatus.Ok or ClientStatus.NotFound })
            {
                op.Outcome = Outcome.Ok;
                op.Returned = [.. reply.Values.Select(v => ValueOf(v.Value.Span))];
                then(op, reply.Values, reply.Context);
            }
            else
            {
                op.Outcome = reply is null || reply.Status == ClientStatus.Unavailable ? Outcome.Unknown : Outcome.Failed;
                then(op, [], null);
            }
        });
    }

    private void Write(NodeId client, HistoryOp op, Func<long, Message> make, Action next) =>
        Request(client, PickNode(), make, reply =>
        {
            if (reply is null && RetryAmbiguousWrites && op.Kind != OpKind.Delete)
            {
                Request(client, PickNode(), make, retried => Complete(op, retried, next));
                return;
            }

            Complete(op, reply, next);
        });

    private void Complete(HistoryOp op, ClientReply? reply, Action next) =>
        ((Action)(() =>
        {
            op.Completed = _sim.Now;
            op.Outcome = reply?.Status switch
            {
                ClientStatus.Ok => Outcome.Ok,
                null or ClientStatus.Unavailable => Outcome.Unknown,
                _ => Outcome.Failed,
            };
            next();
        }))();
}
