using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>A Redis-compatible server (redis-server, or Garnet) run by DCP as a plain process.</summary>
public sealed class RedisProcessResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    // "localhost:PORT", the shape Aspire's Redis integration gives its clients.
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}

/// <summary>
/// The seed's Redis (DESIGN §8): a container when a container runtime is healthy, else redis-server from
/// PATH, else the Garnet server from this repository's dotnet tool manifest, so that
/// <c>dotnet run --project Dynamo.AppHost</c> works on a machine with only the .NET SDK.
/// "Dynamo:Cache" = Container | RedisServer | Garnet forces a choice.
/// </summary>
public static class CacheResources
{
    public enum Kind
    {
        Container,
        RedisServer,
        Garnet,
    }

    public static IResourceBuilder<IResourceWithConnectionString> AddRedisCache(this IDistributedApplicationBuilder builder, string name)
    {
        var (kind, why) = Choose(builder);
        Console.WriteLine($"[apphost] {name}: {kind} ({why})");
        if (kind == Kind.Container)
        {
            return builder.AddRedis(name);
        }

        // The seed's membership record survives a Redis restart (append-only file under the data root).
        var workDir = Path.Combine(builder.Configuration["Dynamo:DataRoot"] ?? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "data")), name);
        Directory.CreateDirectory(workDir);
        string command = kind == Kind.RedisServer ? "redis-server" : "dotnet";
        string[] prefix = kind == Kind.RedisServer ? [] : GarnetLaunch(builder.AppHostDirectory);
        var redis = builder.AddResource(new RedisProcessResource(name, command, workDir))
            .WithEndpoint(name: RedisProcessResource.EndpointName, scheme: "tcp", isProxied: false);
        var endpoint = redis.Resource.PrimaryEndpoint;
        redis.WithArgs(ctx =>
        {
            foreach (var a in prefix)
            {
                ctx.Args.Add(a);
            }

            ctx.Args.Add("--bind");
            ctx.Args.Add("127.0.0.1");
            ctx.Args.Add("--port");
            ctx.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
            if (kind == Kind.RedisServer)
            {
                foreach (var a in new[] { "--save", "", "--appendonly", "yes", "--appendfsync", "everysec", "--dir", workDir })
                {
                    ctx.Args.Add(a);
                }
            }
        });

        var check = $"{name}_ping";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(check, _ => new RespPingHealthCheck(endpoint), HealthStatus.Unhealthy, null, TimeSpan.FromSeconds(3)));
        return redis.WithHealthCheck(check);
    }

    private static (Kind, string) Choose(IDistributedApplicationBuilder builder)
    {
        if (Enum.TryParse<Kind>(builder.Configuration["Dynamo:Cache"], ignoreCase: true, out var forced))
        {
            return (forced, "forced by Dynamo:Cache");
        }

        if (HealthyContainerRuntime() is { } runtime)
        {
            return (Kind.Container, $"container runtime '{runtime}' is healthy");
        }

        if (OnPath("redis-server") is { } path)
        {
            return (Kind.RedisServer, $"no healthy container runtime; {path}");
        }

        return (Kind.Garnet, "no container runtime and no redis-server: the Garnet dotnet tool");
    }

    private static string? HealthyContainerRuntime()
    {
        var configured = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") ?? Environment.GetEnvironmentVariable("DOTNET_ASPIRE_CONTAINER_RUNTIME");
        foreach (var runtime in configured is { Length: > 0 } ? [configured] : new[] { "docker", "podman" })
        {
            if (OnPath(runtime) is null)
            {
                continue;
            }

            try
            {
                using var p = Process.Start(new ProcessStartInfo(runtime, "info") { RedirectStandardOutput = true, RedirectStandardError = true })!;
                _ = p.StandardOutput.ReadToEndAsync();
                _ = p.StandardError.ReadToEndAsync();
                if (p.WaitForExit(TimeSpan.FromSeconds(5)) && p.ExitCode == 0)
                {
                    return runtime;
                }

                p.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }

        return null;
    }

    // Runs the Garnet server's dll directly (one process, so stopping the resource stops Garnet), after
    // restoring the tool on a fresh clone.
    private static string[] GarnetLaunch(string appHostDirectory)
    {
        const string Version = "2.2.8";
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string toolDir = Path.Combine(packages, "garnet-server", Version, "tools");
        string? Find() => Directory.Exists(toolDir)
            ? Directory.GetFiles(toolDir, "GarnetServer.dll", SearchOption.AllDirectories)
                .Where(p => Path.GetFileName(Path.GetDirectoryName(p)) == "any")
                .OrderDescending()
                .FirstOrDefault()
            : null;
        if (Find() is null)
        {
            using var restore = Process.Start(new ProcessStartInfo("dotnet", "tool restore") { WorkingDirectory = appHostDirectory })!;
            restore.WaitForExit();
        }

        return Find() is { } dll ? ["exec", dll] : ["tool", "run", "garnet-server", "--"];
    }

    private static string? OnPath(string exe) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, exe))
            .FirstOrDefault(File.Exists);
}

/// <summary>Ready when the server answers a RESP PING with +PONG.</summary>
public sealed class RespPingHealthCheck(EndpointReference endpoint) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!endpoint.IsAllocated)
        {
            return HealthCheckResult.Unhealthy("The endpoint is not allocated yet.");
        }

        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
            var stream = tcp.GetStream();
            await stream.WriteAsync("*1\r\n$4\r\nPING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[16];
            int n = await stream.ReadAsync(buffer, cancellationToken);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("Unexpected reply to PING.");
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
