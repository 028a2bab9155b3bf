using System.Threading.Tasks.Sources;
using Dynamo.Bench.Abstractions;
using Dynamo.Bench.Systems.GrpcFanout.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace Dynamo.Bench.Systems.GrpcFanout;

/// <summary>
/// The naive replication client: every operation is one unary gRPC call to each replica, and
/// the operation completes when <see cref="Quorum"/> of them answered successfully (a get is
/// "found" when any of those answers found the key). The slowest call is left running and
/// its answer ignored.
/// <para>
/// No allocation beyond the gRPC calls themselves: the client is its own reusable
/// <see cref="IValueTaskSource{TResult}"/> (one operation at a time per client), and each call's
/// completion goes through a pooled <see cref="CallSlot"/> with a cached callback. A
/// generation number keeps a straggler of operation n from counting towards operation n+1.
/// </para>
/// </summary>
internal sealed class QuorumFanoutClient : IKeyValueClient, IValueTaskSource<bool>, IValueTaskSource
{
    public const int Quorum = 2;

    private readonly BenchKv.BenchKvClient[] _replicas;
    private readonly Stack<CallSlot> _slots = new();
    private readonly Lock _gate = new();
    // Continuations run inline on the thread that delivered the quorum-completing reply: the
    // worker then starts its next operation from there, saving a thread-pool hop per operation.
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = false };
    private int _generation;
    private int _acks;
    private int _failures;
    private bool _found;
    private bool _completed;
    private Exception? _firstError;

    public QuorumFanoutClient(BenchKv.BenchKvClient[] replicas) => _replicas = replicas;

    public ValueTask PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken ct)
    {
        var (generation, version) = Begin();

        // One request object serialised by all three calls; the worker's value buffer never
        // changes, so wrapping it without a copy is safe even for the straggler.
        var request = new PutRequest { Key = key, Value = UnsafeByteOperations.UnsafeWrap(value) };
        for (var i = 0; i < _replicas.Length; i++)
        {
            var call = _replicas[i].PutAsync(request, cancellationToken: ct);
            Rent().Attach(call.ResponseAsync, call, generation, isGet: false);
        }

        return new ValueTask(this, version);
    }

    public ValueTask<bool> GetAsync(string key, CancellationToken ct)
    {
        var (generation, version) = Begin();
        var request = new GetRequest { Key = key };
        for (var i = 0; i < _replicas.Length; i++)
        {
            var call = _replicas[i].GetAsync(request, cancellationToken: ct);
            Rent().Attach(call.ResponseAsync, call, generation, isGet: true);
        }

        return new ValueTask<bool>(this, version);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private (int Generation, short Version) Begin()
    {
        lock (_gate)
        {
            _generation++;
            _acks = 0;
            _failures = 0;
            _found = false;
            _completed = false;
            _firstError = null;
            _core.Reset();
            return (_generation, _core.Version);
        }
    }

    private CallSlot Rent()
    {
        lock (_slots)
        {
            return _slots.Count > 0 ? _slots.Pop() : new CallSlot(this);
        }
    }

    private void Return(CallSlot slot)
    {
        lock (_slots)
        {
            _slots.Push(slot);
        }
    }

    private void OnReply(int generation, bool ok, bool found, Exception? error)
    {
        bool succeed;
        bool result;
        Exception? firstError;
        lock (_gate)
        {
            if (generation != _generation || _completed)
            {
                return; // a straggler, or the operation is already decided
            }

            if (ok)
            {
                _acks++;
                _found |= found;
            }
            else
            {
                _failures++;
                _firstError ??= error;
            }

            if (_acks >= Quorum)
            {
                succeed = true;
            }
            else if (_failures > _replicas.Length - Quorum)
            {
                succeed = false;
            }
            else
            {
                return;
            }

            _completed = true;
            result = _found;
            firstError = _firstError;
        }

        if (succeed)
        {
            _core.SetResult(result);
        }
        else
        {
            _core.SetException(new RpcException(
                new Status(StatusCode.Unavailable, $"quorum of {Quorum} not reached: {firstError?.Message}"),
                firstError?.Message ?? "quorum not reached"));
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _core.GetResult(token);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _core.GetStatus(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    /// <summary>Tracks one in-flight call; returned to the pool when the call completes.</summary>
    private sealed class CallSlot
    {
        private readonly QuorumFanoutClient _owner;
        private readonly Action _onCompleted;
        private Task? _task;
        private IDisposable? _call;
        private int _generation;
        private bool _isGet;

        public CallSlot(QuorumFanoutClient owner)
        {
            _owner = owner;
            _onCompleted = OnCompleted;
        }

        public void Attach(Task task, IDisposable call, int generation, bool isGet)
        {
            _task = task;
            _call = call;
            _generation = generation;
            _isGet = isGet;
            task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onCompleted);
        }

        private void OnCompleted()
        {
            var task = _task!;
            var ok = task.IsCompletedSuccessfully;
            var found = ok && _isGet && ((Task<GetReply>)task).Result.Found;
            var error = ok ? null : (task.Exception?.InnerException ?? new TaskCanceledException(task));
            var generation = _generation;
            _call?.Dispose();
            _call = null;
            _task = null;
            _owner.Return(this);
            _owner.OnReply(generation, ok, found, error);
        }
    }
}
