using System.Globalization;
using Dynamo.Bench.Abstractions;
using Dynamo.Bench.Infrastructure;
using StackExchange.Redis;

namespace Dynamo.Bench.Systems.Redis;

/// <summary>
/// The unreplicated reference point: one redis-server on loopback (Debian package
/// redis-server), persistence off (no RDB snapshots, no AOF), driven with StackExchange.Redis
/// through one shared <see cref="ConnectionMultiplexer"/> (the library's recommended use: all
/// clients pipeline over one connection). GET uses a pooled lease, so a hit allocates no array.
/// </summary>
public sealed class RedisSystem(SystemContext context) : IBenchSystem, INodeProcesses
{
    private ManagedProcess? _process;
    private ConnectionMultiplexer? _multiplexer;
    private string _version = "redis";

    public string Name => "redis";

    public string Description => $"{_version}, single node, no persistence, one pipelined StackExchange.Redis connection";

    public IReadOnlyList<int> NodeProcessIds => _process is null ? [] : [_process.Pid];

    public async Task StartAsync(CancellationToken ct)
    {
        var server = await PackageInstaller.EnsureAsync("redis-server", "redis-server", context.Status, ct);
        var dir = context.Supervisor.CreateDirectory("redis");
        var port = PortAllocator.Next();
        context.Status("starting redis-server");
        _process = context.Supervisor.Start(new ProcessSpec(
            "redis",
            server,
            [
                "--port", port.ToString(CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--protected-mode", "no",
                "--daemonize", "no",
                "--dir", dir,
                "--logfile", "",
            ],
            dir,
            Path.Combine(dir, "redis.log")));

        var endpoint = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");
        await SystemContext.WaitUntilReadyAsync(
            "redis-server",
            async _ =>
            {
                var options = ConfigurationOptions.Parse(endpoint);
                options.AbortOnConnectFail = true;
                options.ConnectTimeout = 1000;
                options.SyncTimeout = 10_000;
                options.AsyncTimeout = 10_000;
                if (_multiplexer is not null)
                {
                    await _multiplexer.DisposeAsync(); // a previous attempt that connected but failed later
                }

                _multiplexer = await ConnectionMultiplexer.ConnectAsync(options);
                var server = _multiplexer.GetServer(endpoint);
                _version = "redis " + server.Version.ToString();
                await _multiplexer.GetDatabase().PingAsync();
                return true;
            },
            [_process],
            TimeSpan.FromSeconds(20),
            ct);
    }

    public Task<IKeyValueClient> ConnectAsync(CancellationToken ct)
    {
        var multiplexer = _multiplexer ?? throw new InvalidOperationException("redis is not started");
        return Task.FromResult<IKeyValueClient>(new RedisClient(multiplexer.GetDatabase()));
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is not null)
        {
            await _multiplexer.CloseAsync(allowCommandsToComplete: false);
            await _multiplexer.DisposeAsync();
            _multiplexer = null;
        }

        if (_process is not null)
        {
            ProcessSupervisor.Kill([_process]);
            _process = null;
        }
    }

    private sealed class RedisClient(IDatabase db) : IKeyValueClient
    {
        public async ValueTask PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken ct)
        {
            await db.StringSetAsync(key, value);
        }

        public async ValueTask<bool> GetAsync(string key, CancellationToken ct)
        {
            using var lease = await db.StringGetLeaseAsync(key);
            return lease is not null;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
