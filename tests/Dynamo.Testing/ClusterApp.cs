using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Dynamo.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dynamo.Testing;

/// <summary>
/// The real AppHost, started through Aspire.Hosting.Testing: real processes, real ports, a private data
/// root, and known secrets so tests can sign admin calls and gRPC calls.
/// </summary>
public sealed class ClusterApp : IAsyncDisposable
{
    public const string ClusterSecret = "integration-cluster-secret-0123456789";
    public const string AdminKey = "integration-admin-key-0123456789";
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private ClusterApp(DistributedApplication app, string dataRoot, int nodes)
    {
        App = app;
        DataRoot = dataRoot;
        Nodes = nodes;
        Router = app.CreateHttpClient("router", "http");
        Router.Timeout = TimeSpan.FromSeconds(30);
        Client = new DynamoHttpClient(Router);
    }

    public DistributedApplication App { get; }

    public string DataRoot { get; }

    public int Nodes { get; }

    public HttpClient Router { get; }

    public bool HasDashboard { get; private init; }

    /// <summary>The dashboard's telemetry API (testing turns its auth on: the API key comes from the AppHost's configuration).</summary>
    public HttpClient Dashboard()
    {
        var http = App.CreateHttpClient("aspire-dashboard", "http");
        var key = App.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["AppHost:DashboardApiKey"];
        if (!string.IsNullOrEmpty(key))
        {
            http.DefaultRequestHeaders.Add("x-api-key", key);
        }

        return http;
    }

    public DynamoHttpClient Client { get; }

    public IEnumerable<string> NodeNames => Enumerable.Range(1, Nodes).Select(i => "node" + i);

    public static async Task<ClusterApp> StartAsync(int nodes = 3, int spares = 1, bool dashboard = false, bool cart = false, params string[] extra)
    {
        var dataRoot = Path.Combine(Path.GetTempPath(), "dynamo-it-" + Guid.NewGuid().ToString("N")[..8]);
        string[] args =
        [
            $"Dynamo:Nodes={nodes}",
            $"Dynamo:SpareNodes={spares}",
            $"Dynamo:DataRoot={dataRoot}",
            "Dynamo:PartitionCount=64",
            $"Dynamo:Cart={cart}",
            $"Parameters:cluster-secret={ClusterSecret}",
            $"Parameters:admin-key={AdminKey}",
            .. extra,
        ];
        using var cts = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Dynamo_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = dashboard }, args, cts.Token);
        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning));
        if (!dashboard)
        {
            // Nothing listens for OTLP without the dashboard; exporters would retry for ~15 s at shutdown.
            foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
            {
                builder.CreateResourceBuilder(project).WithEnvironment(ctx =>
                {
                    foreach (var key in ctx.EnvironmentVariables.Keys.Where(k => k.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal)).ToList())
                    {
                        ctx.EnvironmentVariables.Remove(key);
                    }
                });
            }
        }

        var app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        var cluster = new ClusterApp(app, dataRoot, nodes) { HasDashboard = dashboard };
        string[] resources = ["router", "seed", .. cluster.NodeNames];
        await Task.WhenAll(resources.Select(n => app.ResourceNotifications.WaitForResourceHealthyAsync(n, cts.Token)));
        await cluster.WaitForRingAsync(nodes, cts.Token);
        return cluster;
    }

    /// <summary>Waits until the router sees a ring of <paramref name="members"/> nodes, all reachable.</summary>
    public Task WaitForRingAsync(int members, CancellationToken cancellation = default) =>
        Eventually.Until(async () =>
        {
            using var doc = await Client.GetClusterAsync(cancellation);
            var nodes = doc.RootElement.GetProperty("nodes").EnumerateArray().Where(n => n.GetProperty("status").GetString() == "up").ToList();
            return nodes.Count == members && nodes.All(n => n.GetProperty("available").GetBoolean());
        }, TimeSpan.FromSeconds(90), $"a ring of {members} reachable nodes");

    /// <summary>
    /// Waits until the router and <paramref name="observers"/> all see <paramref name="node"/> as unavailable:
    /// failure detection has caught up with a kill, so nobody forwards a write to the dead process over a
    /// connection it still believes open (such a write is answered 503 "may or may not have been applied").
    /// </summary>
    public Task WaitUntilSeenDownAsync(string node, IEnumerable<string> observers, CancellationToken cancellation = default) =>
        Eventually.Until(async () =>
        {
            using var doc = await Client.GetClusterAsync(cancellation);
            if (doc.RootElement.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("id").GetString() == node && n.GetProperty("available").GetBoolean()))
            {
                return false;
            }

            foreach (var observer in observers)
            {
                var status = await StatusAsync(observer, cancellation);
                if (status.GetProperty("members").EnumerateArray().Any(m => m.GetProperty("id").GetString() == node && m.GetProperty("available").GetBoolean()))
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(30), $"the router and {string.Join(", ", observers)} to see {node} down");

    /// <summary>An HTTP client for a resource's admin API, with or without the admin key.</summary>
    public HttpClient Admin(string resource, bool withKey = true)
    {
        var http = App.CreateHttpClient(resource, "http");
        if (withKey)
        {
            http.DefaultRequestHeaders.Add(DynamoResources.AdminKeyHeader, AdminKey);
        }

        return http;
    }

    public async Task<JsonElement> StatusAsync(string node, CancellationToken cancellation = default)
    {
        using var admin = Admin(node);
        return await admin.GetFromJsonAsync<JsonElement>("/admin/status", cancellation);
    }

    public Uri GrpcEndpoint(string node) => App.GetEndpoint(node, "grpc");

    public async Task StopAsync(string resource)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, cts.Token);
        Assert.True(result.Success, $"stop {resource}: {result.Message}");
        await App.ResourceNotifications.WaitForResourceAsync(resource, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cts.Token);
    }

    public async Task StartAsync(string resource)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cts.Token);
        Assert.True(result.Success, $"start {resource}: {result.Message}");
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cts.Token);
    }

    /// <summary>
    /// SIGKILL of a project's real process. DCP starts projects through "dotnet run"; the launcher's only
    /// child is the service, and killing the launcher would orphan it.
    /// </summary>
    public async Task KillAsync(string resource)
    {
        Assert.True(App.ResourceNotifications.TryGetCurrentState(resource, out var state));
        var launcher = int.Parse(state!.Snapshot.Properties.First(p => p.Name == "executable.pid").Value!.ToString()!, System.Globalization.CultureInfo.InvariantCulture);
        var children = File.ReadAllText($"/proc/{launcher}/task/{launcher}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        using var process = Process.GetProcessById(int.Parse(Assert.Single(children), System.Globalization.CultureInfo.InvariantCulture));
        process.Kill();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await App.ResourceNotifications.WaitForResourceAsync(resource, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        Router.Dispose();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await App.StopAsync(cts.Token);
        }
        finally
        {
            await App.DisposeAsync();
            try
            {
                Directory.Delete(DataRoot, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>Polls a condition until it holds or a deadline passes: no sleeps standing in for synchronization.</summary>
public static class Eventually
{
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or DynamoException or TaskCanceledException or JsonException)
            {
                last = ex;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException($"Timed out after {timeout} waiting for {what}." + (last is null ? "" : " Last error: " + last.Message));
    }
}

/// <summary>One cluster shared by every test that does not break it (an xunit assembly fixture).</summary>
public sealed class SharedCluster : IAsyncLifetime
{
    public ClusterApp Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Cluster = await ClusterApp.StartAsync();

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}
