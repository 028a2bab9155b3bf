using System.Collections.Concurrent;
using System.Diagnostics;
using Dynamo.Core;
using Dynamo.Core.Runtime;
using Dynamo.Core.Telemetry;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Dynamo.Protos.Hosting;

/// <summary>
/// Drives a Core state machine (<see cref="DynamoNode"/> or <see cref="Core.Membership.ClusterObserver"/>)
/// in a real process: one call into it at a time, timers from the <see cref="TimeProvider"/>, outgoing
/// requests as unary gRPC calls whose replies come back in as messages, and incoming gRPC calls completed
/// when the state machine sends the matching response. The protocol code stays the code the simulator
/// runs; only this shell differs.
/// </summary>
/// <summary>An incoming request of a batch: how to build it once its id is known, and the caller's traceparent.</summary>
public readonly record struct InboundCall(Func<long, Message> Make, string? TraceParent);

public sealed class StateMachineHost : INodeEnvironment, IDisposable
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<(NodeId, long), TaskCompletionSource<Message>> _inbound = new();
    private readonly ConcurrentDictionary<(NodeId, string), ReplicaBatcher> _batchers = new();
    private readonly Func<NodeId, string?> _addressOf;
    private readonly PeerChannels _channels;
    private readonly ClusterCredentials _credentials;
    private readonly FaultState _faults;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Metadata _headers;
    private readonly TimerHeap<NodeTimer> _timers;
    private long _inboundIds;
    private volatile bool _disposed;

    public StateMachineHost(
        NodeId self,
        Func<NodeId, string?> addressOf,
        PeerChannels channels,
        ClusterCredentials credentials,
        FaultState faults,
        TimeProvider time,
        ILogger logger)
    {
        Self = self;
        _addressOf = addressOf;
        _channels = channels;
        _credentials = credentials;
        _faults = faults;
        _time = time;
        _logger = logger;
        _headers = credentials.Headers(self);
        _timers = new TimerHeap<NodeTimer>(time, due => RunEach(due, static (m, t) => m.OnTimer(t)));
    }

    public NodeId Self { get; }

    /// <summary>Set once, right after construction (the state machine needs this environment to exist).</summary>
    public IStateMachine? Machine { get; set; }

    /// <summary>Deadline of an outgoing call: a backstop, the protocol's own timers act first.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Wall-clock milliseconds: tombstone ages are stored and must survive restarts.</summary>
    public long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public Random Random { get; } = new();

    /// <summary>Runs <paramref name="action"/> against the state machine, alone.</summary>
    public void Run(Action<IStateMachine> action) => Run(action, static (m, a) => a(m));

    /// <summary><see cref="Run(Action{IStateMachine})"/> with a static action and its state: no closure on the request path.</summary>
    public void Run<TState>(TState state, Action<IStateMachine, TState> action)
    {
        if (_disposed || Machine is not { } machine)
        {
            return;
        }

        lock (_gate)
        {
            try
            {
                action(machine, state);
            }
            catch (Exception ex)
            {
                Threw(ex);
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> for each item in one turn of the state machine; one item's failure does not stop the rest.</summary>
    public void RunEach<T>(IReadOnlyList<T> items, Action<IStateMachine, T> action)
    {
        if (_disposed || Machine is not { } machine)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var item in items)
            {
                try
                {
                    action(machine, item);
                }
                catch (Exception ex)
                {
                    Threw(ex);
                }
            }
        }
    }

    // A bug in the protocol logic must not take the process down; it is logged loudly.
    private void Threw(Exception ex) => _logger.LogError(ex, "The state machine of {Node} threw", Self);

    /// <summary>Reads state of the machine under the same lock as everything else.</summary>
    public T Read<T>(Func<IStateMachine, T> read)
    {
        lock (_gate)
        {
            return read(Machine ?? throw new InvalidOperationException("Not started."));
        }
    }

    public void Send(NodeId to, Message message)
    {
        if (message is IResponse response)
        {
            if (_inbound.TryRemove((to, response.RequestId), out var pending))
            {
                pending.TrySetResult(message);
            }

            return;
        }

        _ = CallAsync(to, message);
    }

    public void SetTimer(long delayMs, NodeTimer timer)
    {
        if (!_disposed)
        {
            _timers.Schedule(delayMs, timer);
        }
    }

    /// <summary>
    /// Delivers an incoming request (built with the id this host assigns) and waits for the state
    /// machine's response to it.
    /// </summary>
    public Task<Message> CallInboundAsync(NodeId from, Func<long, Message> request, CancellationToken cancellation) =>
        CallInboundAsync(from, request(NextInboundId()), cancellation);

    /// <summary>The id for a request that is about to be given to <see cref="CallInboundAsync(NodeId, Message, CancellationToken)"/>.</summary>
    public long NextInboundId() => Interlocked.Increment(ref _inboundIds);

    /// <summary>
    /// Delivers <paramref name="request"/>, made with an id from <see cref="NextInboundId"/>, and waits for
    /// the state machine's response to it. Every client request comes through here: it allocates no
    /// closure, only the pending call itself.
    /// </summary>
    public async Task<Message> CallInboundAsync(NodeId from, Message request, CancellationToken cancellation)
    {
        var pending = new PendingInbound(this, from, ((IRequest)request).RequestId);
        _inbound[(from, pending.Id)] = pending;
        using var registration = cancellation.UnsafeRegister(static (p, ct) => ((PendingInbound)p!).Cancel(ct), pending);
        Run((From: from, Request: request), static (m, s) => m.Handle(s.From, s.Request));
        return await pending.Task;
    }

    // A request waiting for its response; it removes itself when the caller gives up.
    private sealed class PendingInbound(StateMachineHost host, NodeId from, long id) : TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public long Id { get; } = id;

        public void Cancel(CancellationToken cancellation)
        {
            if (host._inbound.TryRemove((from, Id), out var p))
            {
                p.TrySetCanceled(cancellation);
            }
        }
    }

    /// <summary>
    /// Delivers several incoming requests from one caller in one turn of the state machine and waits
    /// for all their responses, in order. A call with a traceparent is handled inside a server span
    /// (<paramref name="spanName"/>) of that trace.
    /// </summary>
    public async Task<Message[]> CallInboundManyAsync(NodeId from, IReadOnlyList<InboundCall> requests, Func<Message, string> spanName, CancellationToken cancellation)
    {
        var calls = new (long Id, InboundCall Call)[requests.Count];
        var pending = new Task<Message>[requests.Count];
        for (int i = 0; i < calls.Length; i++)
        {
            calls[i] = (Interlocked.Increment(ref _inboundIds), requests[i]);
            var tcs = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
            _inbound[(from, calls[i].Id)] = tcs;
            pending[i] = tcs.Task;
        }

        using var registration = cancellation.Register(() =>
        {
            foreach (var (id, _) in calls)
            {
                if (_inbound.TryRemove((from, id), out var p))
                {
                    p.TrySetCanceled(cancellation);
                }
            }
        });
        RunEach(calls, (m, c) =>
        {
            var message = c.Call.Make(c.Id);
            var previous = Activity.Current;
            var span = c.Call.TraceParent is { Length: > 0 } tp && NodeTelemetry.Source.HasListeners() && ActivityContext.TryParse(tp, null, out var parent)
                ? NodeTelemetry.Source.StartActivity(spanName(message), ActivityKind.Server, parent)
                : null;
            span?.SetTag("dynamo.node", Self.Value).SetTag("dynamo.from", from.Value);
            try
            {
                m.Handle(from, message);
            }
            finally
            {
                span?.Stop();
                Activity.Current = previous;
            }
        });
        return await Task.WhenAll(pending);
    }

    private async Task CallAsync(NodeId to, Message request)
    {
        long id = request is IRequest r ? r.RequestId : 0;
        string? address = _addressOf(to);
        if (address is null || _faults.Isolated)
        {
            await Task.Yield();
            Run(m => m.Handle(to, new DeliveryFailed(id)));
            return;
        }

        if (PeerCalls.Batchable(request))
        {
            _batchers.GetOrAdd((to, address), static (key, host) => new ReplicaBatcher(
                host._channels.For(key.Item2),
                () => new CallOptions(host._headers, host._time.GetUtcNow().UtcDateTime + host.CallTimeout),
                () => host._faults.Isolated,
                responses => host.RunEach(responses, (m, response) => m.Handle(key.Item1, response)),
                host._time), this).Enqueue(request);
            return;
        }

        Message response;
        try
        {
            var options = new CallOptions(_headers, _time.GetUtcNow().UtcDateTime + CallTimeout);
            response = await PeerCalls.InvokeAsync(_channels.For(address), request, options);
        }
        catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException or OperationCanceledException or InvalidOperationException)
        {
            if (!_disposed)
            {
                _logger.LogDebug(ex, "{Request} to {Peer} failed", request.GetType().Name, to);
            }

            response = new DeliveryFailed(id, MayHaveArrived: !CertainlyNotHandled(ex));
        }

        Run(m => m.Handle(to, response));
    }

    /// <summary>True when a failed call certainly never reached a handler: no connection was made, or it was refused up front.</summary>
    public static bool CertainlyNotHandled(Exception? ex) => ex switch
    {
        RpcException rpc => rpc.Trailers.GetValue(ClusterAuthInterceptor.RefusedTrailer) is not null || CertainlyNotHandled(rpc.Status.DebugException),
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => true,
        HttpRequestException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } } => true,
        _ => false,
    };

    public void Dispose()
    {
        _disposed = true;
        _timers.Dispose();
        foreach (var pending in _inbound.Values)
        {
            pending.TrySetCanceled();
        }
    }
}
