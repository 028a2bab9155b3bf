using Dynamo.Core.Storage;
using Dynamo.Protos.Hosting;

namespace Dynamo.StorageNode;

/// <summary>
/// Group commit (DESIGN §4 "Durability"): acknowledgements wait for the next fsync of the WAL, and one
/// fsync serves every write made before it. While one sync runs, the writes that arrive gather for the
/// next, so the cost of an fsync is shared by as many writes as the load brings.
/// </summary>
public sealed class GroupCommit : IDurabilityBarrier, IDisposable
{
    private readonly IStorageEngine _engine;
    private readonly TimeSpan _delay;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Task _loop;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _requested;

    public GroupCommit(IStorageEngine engine, TimeSpan delay)
    {
        _engine = engine;
        _delay = delay;
        _loop = engine.NeedsWalSync ? Task.Run(LoopAsync) : Task.CompletedTask;
    }

    public long Syncs { get; private set; }

    public ValueTask WaitAsync(CancellationToken cancellation)
    {
        if (!_engine.NeedsWalSync)
        {
            return ValueTask.CompletedTask;
        }

        Task task;
        lock (_gate)
        {
            task = _next.Task;
            if (!_requested)
            {
                _requested = true;
                _signal.Release();
            }
        }

        return new ValueTask(task.WaitAsync(cancellation));
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(_stop.Token);
                if (_delay > TimeSpan.Zero)
                {
                    await Task.Delay(_delay, _stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }

            TaskCompletionSource batch;
            lock (_gate)
            {
                batch = _next;
                _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _requested = false;
            }

            try
            {
                _engine.SyncWal();
                Syncs++;
                batch.SetResult();
            }
            catch (Exception ex)
            {
                batch.SetException(ex);
            }
        }

        lock (_gate)
        {
            _next.TrySetCanceled();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
        _signal.Dispose();
    }
}
