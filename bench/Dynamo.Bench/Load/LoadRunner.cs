using System.Diagnostics;
using Dynamo.Bench.Abstractions;
using Dynamo.Bench.Infrastructure;
using HdrHistogram;

namespace Dynamo.Bench.Load;

/// <summary>How one phase is driven.</summary>
public sealed record LoadSettings(
    LoadMode Mode,
    int DurationSeconds,
    int WarmupSeconds,
    int ValueSize,
    int Rate,
    ulong Seed = 0x5EED);

/// <summary>Reported once per second of a phase (warm-up seconds included).</summary>
public readonly record struct PhaseTick(int Second, int TotalSeconds, bool Warmup, double OpsPerSec, double P99Ms, long Errors);

/// <summary>
/// Drives one system with one workload and measures it.
/// <para>
/// Closed loop: one worker per client, each issuing its next request as soon as the previous
/// one completed; latency is from send to completion.
/// </para>
/// <para>
/// Open loop (wrk2-style, no coordinated omission): the target rate is split evenly over the
/// clients ("lanes"); lane i's k-th request is scheduled at t0 + (i/C + k)·C/rate and its
/// latency is measured from that intended start, not from when it was actually sent. A lane
/// that falls behind sends immediately but keeps being charged from the schedule, so a stalled
/// server shows up as growing latency, not as fewer samples. At most C requests are in flight.
/// Timer slack (about 1 ms) is included in the measured latency.
/// </para>
/// <para>
/// Errors are counted, not timed; after an error a closed-loop worker pauses 1 ms so a dead
/// server does not turn the bench into a busy loop. Gets that find nothing count as successes
/// (and as <c>not_found</c>); the bench preloads the key space first so they should not occur.
/// </para>
/// </summary>
public static class LoadRunner
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    public static async Task<PhaseResult> RunAsync(
        string systemName,
        IReadOnlyList<IKeyValueClient> clients,
        KeySpace keys,
        WorkloadSpec workload,
        LoadSettings settings,
        Action<PhaseTick>? onTick,
        CancellationToken ct,
        IReadOnlyList<int>? serverPids = null,
        Action<int, HistogramBase>? onMeasuredSecond = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(clients.Count);
        var recorder = new LatencyRecorder();
        var state = new PhaseState();
        using var phaseCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var opToken = phaseCts.Token;
        var values = MakeValues(clients.Count, settings.ValueSize, settings.Seed);
        var workers = new Task[clients.Count];
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < clients.Count; i++)
        {
            var client = clients[i];
            var value = values[i];
            var seed = FastRandom.StreamSeed(settings.Seed, i);
            var lane = i;
            workers[i] = settings.Mode == LoadMode.Closed
                ? Task.Run(() => ClosedLoopAsync(client, keys, workload.GetFraction, value, seed, recorder, state, opToken), CancellationToken.None)
                : Task.Run(() => OpenLoopAsync(client, keys, workload.GetFraction, value, seed, recorder, state, t0, lane, clients.Count, settings.Rate, opToken), CancellationToken.None);
        }

        var total = LatencyRecorder.NewTotal();
        var series = new List<SecondSample>(settings.DurationSeconds);
        var totalSeconds = settings.WarmupSeconds + settings.DurationSeconds;
        long measureStart = t0, last = t0, lastErrors = 0, errorsAtStart = 0, notFoundAtStart = 0, notFoundAtEnd = 0;
        double benchCpuStart = ProcessCpu.Self(), serverCpuStart = serverPids is null ? 0 : ProcessCpu.ReadSeconds(serverPids);
        double benchCpuEnd = benchCpuStart, serverCpuEnd = serverCpuStart;
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            for (var s = 1; s <= totalSeconds; s++)
            {
                await timer.WaitForNextTickAsync(ct);
                var now = Stopwatch.GetTimestamp();
                var interval = recorder.TakeInterval();
                var errors = recorder.Errors;
                var seconds = Stopwatch.GetElapsedTime(last, now).TotalSeconds;
                var ops = interval.TotalCount / seconds;
                var p99 = interval.TotalCount > 0 ? LatencyRecorder.ToMs(interval.GetValueAtPercentile(99)) : 0;
                var measuring = s > settings.WarmupSeconds;
                if (measuring)
                {
                    total.Add(interval);
                    onMeasuredSecond?.Invoke(s - settings.WarmupSeconds, interval);
                    var p50 = interval.TotalCount > 0 ? LatencyRecorder.ToMs(interval.GetValueAtPercentile(50)) : 0;
                    series.Add(new SecondSample(s - settings.WarmupSeconds, ops, p50, p99, errors - lastErrors));
                    notFoundAtEnd = recorder.NotFound;
                    if (s == totalSeconds)
                    {
                        benchCpuEnd = ProcessCpu.Self();
                        serverCpuEnd = serverPids is null ? 0 : ProcessCpu.ReadSeconds(serverPids);
                    }
                }
                else if (s == settings.WarmupSeconds)
                {
                    measureStart = now;
                    errorsAtStart = errors;
                    notFoundAtStart = recorder.NotFound;
                    benchCpuStart = ProcessCpu.Self();
                    serverCpuStart = serverPids is null ? 0 : ProcessCpu.ReadSeconds(serverPids);
                }

                last = now;
                lastErrors = errors;
                onTick?.Invoke(new PhaseTick(s, totalSeconds, !measuring, ops, p99, errors - errorsAtStart));
            }
        }
        finally
        {
            state.Stopping = true;
            var all = Task.WhenAll(workers);
            if (await Task.WhenAny(all, Task.Delay(DrainTimeout, CancellationToken.None)) != all)
            {
                // Requests stuck on a hung server: cancel them; they are outside the window anyway.
                await phaseCts.CancelAsync();
                await Task.WhenAny(all, Task.Delay(DrainTimeout, CancellationToken.None));
            }
        }

        return new PhaseResult
        {
            System = systemName,
            Workload = workload,
            Mode = settings.Mode,
            Clients = clients.Count,
            TargetRate = settings.Mode == LoadMode.Open ? settings.Rate : null,
            MeasuredSeconds = Stopwatch.GetElapsedTime(measureStart, last).TotalSeconds,
            Ops = total.TotalCount,
            Errors = lastErrors - errorsAtStart,
            NotFound = notFoundAtEnd - notFoundAtStart,
            MeanMs = total.TotalCount > 0 ? total.GetMean() / 1000.0 : 0,
            P50Ms = Percentile(total, 50),
            P90Ms = Percentile(total, 90),
            P99Ms = Percentile(total, 99),
            P999Ms = Percentile(total, 99.9),
            MaxMs = total.TotalCount > 0 ? LatencyRecorder.ToMs(total.GetMaxValue()) : 0,
            Series = series,
            ErrorSamples = recorder.ErrorSamples,
            BenchCpuSeconds = benchCpuEnd - benchCpuStart,
            ServerCpuSeconds = serverPids is null ? null : serverCpuEnd - serverCpuStart,
        };
    }

    /// <summary>
    /// Writes every key once (value of <paramref name="valueSize"/> bytes) using all clients in
    /// parallel, so the measured gets hit existing keys. Each put is retried up to 3 times.
    /// </summary>
    public static async Task PreloadAsync(
        IReadOnlyList<IKeyValueClient> clients,
        KeySpace keys,
        int valueSize,
        Action<long>? onProgress,
        CancellationToken ct)
    {
        var values = MakeValues(clients.Count, valueSize, 0xF00D);
        var shared = new PreloadState();
        var tasks = new Task[clients.Count];
        for (var i = 0; i < clients.Count; i++)
        {
            var client = clients[i];
            var value = values[i];
            tasks[i] = Task.Run(() => PreloadWorkerAsync(client, keys.Keys, value, shared, ct), CancellationToken.None);
        }

        var all = Task.WhenAll(tasks);

        // The delay is not cancellable on purpose: on Ctrl+C the workers stop by themselves
        // (their puts are cancelled) and `await all` below then throws.
        while (await Task.WhenAny(all, Task.Delay(250, CancellationToken.None)) != all)
        {
            onProgress?.Invoke(Interlocked.Read(ref shared.Done));
        }

        await all;
        onProgress?.Invoke(Interlocked.Read(ref shared.Done));
        if (shared.Failed > 0)
        {
            throw new InvalidOperationException($"preload: {shared.Failed} of {keys.Count} puts failed after 3 tries; first error: {shared.FirstError}");
        }
    }

    private static byte[][] MakeValues(int count, int size, ulong seed)
    {
        var rng = new FastRandom(seed);
        var values = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            values[i] = new byte[size];
            for (var b = 0; b < size; b++)
            {
                values[i][b] = (byte)('a' + rng.NextInt(26)); // printable: easy to eyeball in redis-cli/etcdctl
            }
        }

        return values;
    }

    private static async Task ClosedLoopAsync(
        IKeyValueClient client,
        KeySpace keys,
        double getFraction,
        byte[] value,
        ulong seed,
        LatencyRecorder recorder,
        PhaseState state,
        CancellationToken ct)
    {
        var rng = new FastRandom(seed);
        var keyArray = keys.Keys;
        while (!state.Stopping)
        {
            var key = keyArray[keys.NextIndex(ref rng)];
            var isGet = getFraction > 0 && rng.NextDouble() < getFraction;
            var start = Stopwatch.GetTimestamp();
            try
            {
                if (isGet)
                {
                    if (!await client.GetAsync(key, ct))
                    {
                        recorder.RecordNotFound();
                    }
                }
                else
                {
                    await client.PutAsync(key, value, ct);
                }

                recorder.RecordSince(start);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                recorder.RecordError(ex);
                await Task.Delay(1, CancellationToken.None);
            }
        }
    }

    private static async Task OpenLoopAsync(
        IKeyValueClient client,
        KeySpace keys,
        double getFraction,
        byte[] value,
        ulong seed,
        LatencyRecorder recorder,
        PhaseState state,
        long t0,
        int lane,
        int lanes,
        int rate,
        CancellationToken ct)
    {
        var rng = new FastRandom(seed);
        var keyArray = keys.Keys;
        var period = Stopwatch.Frequency * (double)lanes / rate;
        var k = 0L;
        var offset = period * lane / lanes;
        while (!state.Stopping)
        {
            var intended = t0 + (long)(offset + (k * period));
            k++;
            var now = Stopwatch.GetTimestamp();
            if (intended > now)
            {
                try
                {
                    await Task.Delay(Stopwatch.GetElapsedTime(now, intended), ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                if (state.Stopping)
                {
                    return;
                }
            }

            var key = keyArray[keys.NextIndex(ref rng)];
            var isGet = getFraction > 0 && rng.NextDouble() < getFraction;
            try
            {
                if (isGet)
                {
                    if (!await client.GetAsync(key, ct))
                    {
                        recorder.RecordNotFound();
                    }
                }
                else
                {
                    await client.PutAsync(key, value, ct);
                }

                recorder.RecordSince(intended);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                recorder.RecordError(ex);
            }
        }
    }

    private static async Task PreloadWorkerAsync(IKeyValueClient client, string[] keys, byte[] value, PreloadState shared, CancellationToken ct)
    {
        while (true)
        {
            var i = Interlocked.Increment(ref shared.Next);
            if (i >= keys.Length)
            {
                return;
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await client.PutAsync(keys[i], value, ct);
                    Interlocked.Increment(ref shared.Done);
                    break;
                }
                catch (Exception) when (ct.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex) when (attempt < 3)
                {
                    _ = ex;
                    await Task.Delay(50 * attempt, ct);
                }
                catch (Exception ex)
                {
                    if (Interlocked.Increment(ref shared.Failed) == 1)
                    {
                        shared.FirstError = $"{ex.GetType().Name}: {ex.Message}";
                    }

                    break;
                }
            }
        }
    }

    private static double Percentile(LongHistogram h, double p) =>
        h.TotalCount > 0 ? LatencyRecorder.ToMs(h.GetValueAtPercentile(p)) : 0;

    private sealed class PhaseState
    {
        private volatile bool _stopping;

        public bool Stopping
        {
            get => _stopping;
            set => _stopping = value;
        }
    }

    private sealed class PreloadState
    {
        public long Next = -1;
        public long Done;
        public long Failed;
        public string? FirstError;
    }
}
