using System.Diagnostics;
using Grpc.Core;
using C = Dynamo.Core.Runtime;

namespace Dynamo.Protos.Hosting;

/// <summary>
/// Coalesces the replica writes and reads a node sends to one peer. At most <see cref="MaxInFlight"/>
/// batches are on the wire; what the coordinator sends meanwhile queues and leaves as the next batch when
/// one returns. An idle peer gets each message at once; a busy one gets many per call, which spares the
/// per-call cost of gRPC on both sides and lets the peer sync its WAL once for the whole batch.
/// A batch still out after <see cref="StallAfter"/> (a peer that hung, or was cut off and is back) no
/// longer holds its place: the coordinator has stopped waiting for it, and what queued behind it must not
/// wait for its 10 s call deadline too.
/// </summary>
internal sealed class ReplicaBatcher
{
    internal const int MaxInFlight = 2;
    internal const int MaxStalled = 32;
    internal static readonly TimeSpan StallAfter = TimeSpan.FromMilliseconds(250);
    private const int MaxBatch = 256;

    private readonly CallInvoker _invoker;
    private readonly Func<CallOptions> _options;
    private readonly Func<bool> _cutOff;
    private readonly Action<IReadOnlyList<C.Message>> _deliver;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<Pump> _pumps = [];
    private List<(C.Message Request, string? TraceParent)> _queue = [];
    private volatile bool _unsupported;

    /// <param name="cutOff">True while fault injection cuts this process off: a batch leaving then fails unsent.</param>
    /// <param name="deliver">Takes the responses of one batch (replies, or <see cref="C.DeliveryFailed"/>).</param>
    public ReplicaBatcher(CallInvoker invoker, Func<CallOptions> options, Func<bool> cutOff, Action<IReadOnlyList<C.Message>> deliver, TimeProvider? time = null)
    {
        _invoker = invoker;
        _options = options;
        _cutOff = cutOff;
        _deliver = deliver;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Batches on the wire now, stalled ones included.</summary>
    internal int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _pumps.Count;
            }
        }
    }

    // One batch call on the wire at a time; it takes the next batch when its call returns.
    private sealed class Pump
    {
        public long SentAt;
    }

    /// <summary>Queues <paramref name="request"/>; the current span (the coordinator's replica span) travels with it.</summary>
    public void Enqueue(C.Message request)
    {
        List<(C.Message, string?)>? batch = null;
        string? traceParent = Activity.Current?.Id;
        Pump? pump = null;
        lock (_gate)
        {
            _queue.Add((request, traceParent));
            if (MayStartPump())
            {
                pump = new Pump { SentAt = _time.GetTimestamp() };
                _pumps.Add(pump);
                batch = Take();
            }
        }

        if (batch is not null)
        {
            _ = PumpAsync(pump!, batch);
        }
    }

    // Under the gate.
    private bool MayStartPump()
    {
        if (_pumps.Count < MaxInFlight)
        {
            return true;
        }

        if (_pumps.Count >= MaxInFlight + MaxStalled)
        {
            return false;
        }

        int live = 0;
        foreach (var p in _pumps)
        {
            if (_time.GetElapsedTime(p.SentAt) < StallAfter)
            {
                live++;
            }
        }

        return live < MaxInFlight;
    }

    // Under the gate.
    private List<(C.Message Request, string? TraceParent)> Take()
    {
        if (_queue.Count <= MaxBatch)
        {
            var all = _queue;
            _queue = [];
            return all;
        }

        var first = _queue.GetRange(0, MaxBatch);
        _queue.RemoveRange(0, MaxBatch);
        return first;
    }

    private async Task PumpAsync(Pump pump, List<(C.Message Request, string? TraceParent)> batch)
    {
        await Task.Yield(); // never send on the caller's thread: it holds the state machine

        // A batch belongs to no one request's trace: each call carries its own traceparent instead.
        Activity.Current = null;
        while (true)
        {
            _deliver(await SendAsync(batch));
            lock (_gate)
            {
                // Leave, and come back in under the rule a new pump follows: after a stall, the pumps
                // that were let in meanwhile go back down to MaxInFlight as they return.
                _pumps.Remove(pump);
                if (_queue.Count == 0 || !MayStartPump())
                {
                    return;
                }

                pump.SentAt = _time.GetTimestamp();
                _pumps.Add(pump);
                batch = Take();
            }
        }
    }

    private async Task<IReadOnlyList<C.Message>> SendAsync(List<(C.Message Request, string? TraceParent)> calls)
    {
        var batch = calls.ConvertAll(c => c.Request);
        if (_cutOff())
        {
            return Failed(batch, mayHaveArrived: false);
        }

        if (_unsupported)
        {
            return await SendOneByOneAsync(batch);
        }

        try
        {
            var request = new ReplicaBatchRequest();
            foreach (var (m, traceParent) in calls)
            {
                var call = m switch
                {
                    C.ReplicaWrite w => new ReplicaCall { Write = PeerCalls.ToProto(w) },
                    C.ReplicaRead r => new ReplicaCall { Read = PeerCalls.ToProto(r) },
                    _ => throw new InvalidOperationException($"{m.GetType().Name} is not batched."),
                };
                call.Traceparent = traceParent ?? "";
                request.Calls.Add(call);
            }

            var reply = await new Replica.ReplicaClient(_invoker).BatchAsync(request, _options());
            if (reply.Results.Count != batch.Count)
            {
                return Failed(batch, mayHaveArrived: true);
            }

            var responses = new C.Message[batch.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                var result = reply.Results[i];
                responses[i] = (batch[i], result.ResultCase) switch
                {
                    (C.ReplicaWrite w, ReplicaResult.ResultOneofCase.Write) => PeerCalls.Reply(w, result.Write),
                    (C.ReplicaRead r, ReplicaResult.ResultOneofCase.Read) => PeerCalls.Reply(r, result.Read),
                    _ => new C.DeliveryFailed(((C.IRequest)batch[i]).RequestId, MayHaveArrived: true),
                };
            }

            return responses;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
        {
            // A peer of an older version (a rolling upgrade): talk to it one call at a time, until this
            // process restarts.
            _unsupported = true;
            return await SendOneByOneAsync(batch);
        }
        catch (Exception ex)
        {
            // Whatever went wrong, each request gets its answer: a pump that died would stall this peer.
            return Failed(batch, mayHaveArrived: !StateMachineHost.CertainlyNotHandled(ex));
        }
    }

    private async Task<IReadOnlyList<C.Message>> SendOneByOneAsync(List<C.Message> batch)
    {
        var calls = batch.Select(async m =>
        {
            try
            {
                return await PeerCalls.InvokeAsync(_invoker, m, _options());
            }
            catch (Exception ex)
            {
                return new C.DeliveryFailed(((C.IRequest)m).RequestId, MayHaveArrived: !StateMachineHost.CertainlyNotHandled(ex));
            }
        });
        return await Task.WhenAll(calls);
    }

    private static C.Message[] Failed(List<C.Message> batch, bool mayHaveArrived) =>
        [.. batch.Select(m => (C.Message)new C.DeliveryFailed(((C.IRequest)m).RequestId, mayHaveArrived))];
}
