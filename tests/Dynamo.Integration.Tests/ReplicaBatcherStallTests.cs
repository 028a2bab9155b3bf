using System.Threading.Channels;
using Dynamo.Protos;
using Dynamo.Protos.Hosting;
using Dynamo.Testing;
using Grpc.Core;
using C = Dynamo.Core.Runtime;

namespace Dynamo.Integration.Tests;

/// <summary>
/// <see cref="ReplicaBatcher"/> keeps at most two batches on the wire to a peer, but a batch that has
/// stalled (a hung peer, one just back from a partition) must not hold back what the coordinator sends
/// next: the coordinator stopped waiting for it after its replica timeout, and its call deadline is 10 s.
/// No cluster: the peer is a call invoker whose answers the test releases.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ReplicaBatcherStallTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task TwoBatchesAtMostWhileThePeerAnswers()
    {
        var peer = new HeldPeer();
        var time = new SteppedTime();
        var delivered = Channel.CreateUnbounded<C.Message>();
        var batcher = new ReplicaBatcher(peer, () => default, () => false, rs => Write(delivered, rs), time);

        batcher.Enqueue(Read(1));
        batcher.Enqueue(Read(2));
        batcher.Enqueue(Read(3));
        batcher.Enqueue(Read(4));
        Assert.Equal(2, batcher.InFlight);

        // The two pumps leave concurrently, so either batch may reach the peer first.
        var a = await peer.NextAsync();
        var b = await peer.NextAsync();
        var (first, second) = a.Ids[0] < b.Ids[0] ? (a, b) : (b, a);
        Assert.Equal([1L], first.Ids);
        Assert.Equal([2L], second.Ids);

        // 3 and 4 queued behind them and leave together, as one batch, when the first returns.
        first.Answer();
        var third = await peer.NextAsync();
        Assert.Equal([3L, 4L], third.Ids);
        second.Answer();
        third.Answer();
        Assert.Equal([1L, 2L, 3L, 4L], (await ReadAsync(delivered, 4)).Order());
        await Eventually.Until(() => Task.FromResult(batcher.InFlight == 0), Wait, "the pumps to retire");
    }

    [Fact]
    public async Task AStalledBatchNoLongerHoldsBackTheNextOne()
    {
        var peer = new HeldPeer();
        var time = new SteppedTime();
        var delivered = Channel.CreateUnbounded<C.Message>();
        var batcher = new ReplicaBatcher(peer, () => default, () => false, rs => Write(delivered, rs), time);

        batcher.Enqueue(Read(1));
        batcher.Enqueue(Read(2));
        var hung1 = await peer.NextAsync();
        var hung2 = await peer.NextAsync();

        // Just short of the stall limit the two hung calls still count: 3 waits.
        time.Advance(ReplicaBatcher.StallAfter - TimeSpan.FromMilliseconds(1));
        batcher.Enqueue(Read(3));
        Assert.Equal(2, batcher.InFlight);

        // Past it, they no longer do: 3 and 4 leave at once, without waiting for the hung calls.
        time.Advance(TimeSpan.FromMilliseconds(2));
        batcher.Enqueue(Read(4));
        Assert.Equal(3, batcher.InFlight);
        var fresh = await peer.NextAsync();
        Assert.Equal([3L, 4L], fresh.Ids);
        fresh.Answer();
        Assert.Equal([3L, 4L], (await ReadAsync(delivered, 2)).Order());

        // The hung calls end at their deadline; their requests are answered as failed, and the pumps go
        // back down to none.
        hung1.Fail();
        hung2.Fail();
        var failed = await ReadAsync(delivered, 2);
        Assert.Equal([1L, 2L], failed.Order());
        await Eventually.Until(() => Task.FromResult(batcher.InFlight == 0), Wait, "the pumps to retire");
    }

    [Fact]
    public async Task AHungPeerGetsABoundedNumberOfCalls()
    {
        var peer = new HeldPeer();
        var time = new SteppedTime();
        var batcher = new ReplicaBatcher(peer, () => default, () => false, _ => { }, time);
        for (int i = 0; i < 100; i++)
        {
            batcher.Enqueue(Read(i));
            time.Advance(ReplicaBatcher.StallAfter);
        }

        Assert.Equal(ReplicaBatcher.MaxInFlight + ReplicaBatcher.MaxStalled, batcher.InFlight);
        peer.FailAll();
    }

    private static C.ReplicaRead Read(long id) => new(id, "default", "k" + id);

    private static void Write(Channel<C.Message> channel, IReadOnlyList<C.Message> responses)
    {
        foreach (var r in responses)
        {
            channel.Writer.TryWrite(r);
        }
    }

    private static async Task<List<long>> ReadAsync(Channel<C.Message> channel, int count)
    {
        using var cts = new CancellationTokenSource(Wait);
        var ids = new List<long>();
        while (ids.Count < count)
        {
            ids.Add(((C.IResponse)await channel.Reader.ReadAsync(cts.Token)).RequestId);
        }

        return ids;
    }

    private sealed class SteppedTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    /// <summary>A peer whose batch calls stay open until the test answers or fails them.</summary>
    private sealed class HeldPeer : CallInvoker
    {
        private readonly Channel<HeldCall> _calls = Channel.CreateUnbounded<HeldCall>();
        private readonly List<HeldCall> _all = [];

        public async Task<HeldCall> NextAsync()
        {
            using var cts = new CancellationTokenSource(Wait);
            return await _calls.Reader.ReadAsync(cts.Token);
        }

        public void FailAll()
        {
            lock (_all)
            {
                _all.ForEach(c => c.Fail());
            }
        }

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            var call = new HeldCall((ReplicaBatchRequest)(object)request);
            lock (_all)
            {
                _all.Add(call);
            }

            _calls.Writer.TryWrite(call);
            return new AsyncUnaryCall<TResponse>(
                call.Reply.Task.ContinueWith(t => (TResponse)(object)t.Result, TaskScheduler.Default),
                Task.FromResult(new Metadata()),
                () => Status.DefaultSuccess,
                () => [],
                () => { });
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();
    }

    private sealed class HeldCall(ReplicaBatchRequest request)
    {
        public TaskCompletionSource<ReplicaBatchReply> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long[] Ids => [.. request.Calls.Select(c => long.Parse(c.Read.Key.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture))];

        public void Answer()
        {
            var reply = new ReplicaBatchReply();
            reply.Results.AddRange(request.Calls.Select(_ => new ReplicaResult { Read = new ReplicaReadReply { Found = false } }));
            Reply.TrySetResult(reply);
        }

        public void Fail() => Reply.TrySetException(new RpcException(new Status(StatusCode.DeadlineExceeded, "held past its deadline")));
    }
}
