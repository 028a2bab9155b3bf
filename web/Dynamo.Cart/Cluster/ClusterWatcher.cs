using System.Collections.Immutable;
using Dynamo.Cart.Carts;
using Microsoft.Extensions.Options;

namespace Dynamo.Cart.Cluster;

/// <summary>
/// Polls the cluster for one browser tab (scoped to the circuit) while a component is watching: GET
/// /cluster every <see cref="CartOptions.ClusterRefreshMs"/>, and each node's admin status when a watcher
/// asks for it (the cluster page). Each node is polled on its own, so a node that hangs (a stopped
/// process behind a proxy) delays neither the ring view nor the other nodes. Polling stops when the
/// last watcher leaves.
/// </summary>
public sealed class ClusterWatcher(IClusterSource source, INodeAdmin admin, IOptions<CartOptions> options, TimeProvider time, ILogger<ClusterWatcher> log) : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    // On a loaded machine one status call may time out; a node is reported unreachable after this many in a row.
    private const int FailuresBeforeUnreachable = 3;

    private readonly Lock _lock = new();
    private readonly List<Watcher> _watches = [];
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodesInFlight = new(StringComparer.Ordinal);
    private int _clusterInFlight;
    private CancellationTokenSource? _loop;

    public ClusterSnapshot? Snapshot { get; private set; }

    /// <summary>Why the last GET /cluster failed, or null.</summary>
    public string? Error { get; private set; }

    public ImmutableDictionary<string, NodeHealth> Nodes { get; private set; } = ImmutableDictionary<string, NodeHealth>.Empty;

    public INodeAdmin Admin => admin;

    /// <summary>Starts watching; <paramref name="onUpdate"/> runs after every update until the result is disposed.</summary>
    public IDisposable Watch(Action onUpdate, bool withNodeStatus = false)
    {
        var watch = new Watcher(this, onUpdate, withNodeStatus);
        lock (_lock)
        {
            _watches.Add(watch);
            if (_loop is null)
            {
                _loop = new CancellationTokenSource();
                _ = LoopAsync(_loop.Token);
            }
        }

        return watch;
    }

    /// <summary>Polls now (after a button press) instead of waiting for the next tick; returns when the ring view is fresh.</summary>
    public Task RefreshNowAsync(CancellationToken cancellation = default) => PollAsync(cancellation);

    public void Dispose()
    {
        lock (_lock)
        {
            _watches.Clear();
            StopLoop();
        }
    }

    private void Unwatch(Watcher watch)
    {
        lock (_lock)
        {
            _watches.Remove(watch);
            if (_watches.Count == 0)
            {
                StopLoop();
            }
        }
    }

    private void StopLoop()
    {
        _loop?.Cancel();
        _loop?.Dispose();
        _loop = null;
    }

    private async Task LoopAsync(CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.ClusterRefreshMs), time);
        try
        {
            do
            {
                await PollAsync(cancellation);
            }
            while (await timer.WaitForNextTickAsync(cancellation));
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            // A watcher's callback failing must not leave the page frozen without saying so.
            log.LogError(ex, "Cluster polling stopped");
            Error = "Polling stopped: " + ex.Message;
            Notify();
        }
    }

    private async Task PollAsync(CancellationToken cancellation)
    {
        bool withNodes;
        lock (_lock)
        {
            withNodes = _watches.Any(w => w.WithNodeStatus);
        }

        if (withNodes && admin.Unavailable is null)
        {
            foreach (var node in admin.Nodes)
            {
                _ = PollNodeAsync(node, cancellation);
            }
        }

        // One GET /cluster at a time: a tick that finds the previous one still running skips it.
        if (Interlocked.CompareExchange(ref _clusterInFlight, 1, 0) == 0)
        {
            try
            {
                await PollClusterAsync(cancellation);
            }
            finally
            {
                Volatile.Write(ref _clusterInFlight, 0);
            }

            Notify();
        }
    }

    private async Task PollClusterAsync(CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            Snapshot = await source.GetAsync(timeout.Token);
            Error = null;
        }
        catch (Exception ex) when (!cancellation.IsCancellationRequested)
        {
            Error = ex is TaskCanceledException ? $"The router did not answer within {RequestTimeout.TotalSeconds:0} s." : ex.Message;
        }
    }

    private async Task PollNodeAsync(string node, CancellationToken cancellation)
    {
        lock (_lock)
        {
            if (!_nodesInFlight.Add(node))
            {
                return;
            }
        }

        NodeAdminStatus? status = null;
        string? error = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(RequestTimeout);
            status = await admin.StatusAsync(node, timeout.Token);
        }
        catch (Exception ex) when (!cancellation.IsCancellationRequested)
        {
            error = ex is NodeAdminException ? ex.Message : $"{node} did not answer.";
        }
        catch (OperationCanceledException)
        {
            return;
        }
        finally
        {
            lock (_lock)
            {
                _nodesInFlight.Remove(node);
            }
        }

        lock (_lock)
        {
            int failures = _failures[node] = status is null ? _failures.GetValueOrDefault(node) + 1 : 0;
            var health = status is not null || failures >= FailuresBeforeUnreachable || Nodes.GetValueOrDefault(node) is not { Status: not null } previous
                ? new NodeHealth(status, error)
                : previous;
            Nodes = Nodes.SetItem(node, health);
        }

        Notify();
    }

    private void Notify()
    {
        Action[] callbacks;
        lock (_lock)
        {
            callbacks = [.. _watches.Select(w => w.OnUpdate)];
        }

        foreach (var callback in callbacks)
        {
            callback();
        }
    }

    private sealed class Watcher(ClusterWatcher owner, Action onUpdate, bool withNodeStatus) : IDisposable
    {
        public Action OnUpdate => onUpdate;

        public bool WithNodeStatus => withNodeStatus;

        public void Dispose() => owner.Unwatch(this);
    }
}
