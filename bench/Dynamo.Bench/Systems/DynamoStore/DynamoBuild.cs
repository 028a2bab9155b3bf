using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Dynamo.Bench.Abstractions;
using Dynamo.Bench.Infrastructure;

namespace Dynamo.Bench.Systems.DynamoStore;

/// <summary>Where the Release builds of the three Dynamo services were copied for this run.</summary>
internal sealed record DynamoBinaries(string Dotnet, string StorageNodeDir, string SeedDir, string RouterDir, string SourceRoot, double BuildSeconds)
{
    public const string StorageNodeDll = "Dynamo.StorageNode.dll";
    public const string SeedDll = "Dynamo.Seed.dll";
    public const string RouterDll = "Dynamo.Router.dll";
}

/// <summary>
/// Builds services/Dynamo.StorageNode, Dynamo.Seed and Dynamo.Router in Release (one
/// <c>dotnet build</c> of a generated solution filter, incremental) with a private
/// <c>--artifacts-path</c> (bench/Dynamo.Bench/obj/dynamo-services/): the source tree's own
/// bin/ and obj/ folders, which other work (tests, the AppHost) builds and runs from, are never
/// written. Then it copies each output folder under the run's root, so that a concurrent
/// rebuild cannot swap the assemblies under the running processes (and a restarted node runs
/// the very same code).
/// Done once per bench run and shared by dynamo_router, dynamo_client and the hooks. A build
/// failure makes them unavailable with the compiler's first errors as the reason. No build
/// server or MSBuild node is left running (node reuse and shared compilation are off).
/// </summary>
internal static class DynamoBuild
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly string[] Services = ["Dynamo.StorageNode", "Dynamo.Seed", "Dynamo.Router"];
    private static DynamoBinaries? _binaries;
    private static string? _failure;

    /// <summary>The repository the bench was built from (embedded at build time).</summary>
    public static string DefaultSourceRoot =>
        Metadata("DynamoSourceRoot") ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    /// <summary>Where the services are built: the bench project's obj/ folder (one per source tree).</summary>
    public static string ArtifactsPath(string sourceRoot)
    {
        var benchDir = Metadata("BenchProjectDir") ?? Path.Combine(Path.GetTempPath(), "dynamo-services-build");
        var name = Path.GetFullPath(sourceRoot).TrimEnd('/') == Path.GetFullPath(DefaultSourceRoot).TrimEnd('/')
            ? "dynamo-services"
            : "dynamo-services-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(sourceRoot))))[..8];
        return Path.Combine(benchDir, "obj", name);
    }

    private static string? Metadata(string key) =>
        typeof(DynamoBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;

    public static async Task<DynamoBinaries> EnsureAsync(SystemContext context, CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try
        {
            if (_binaries is not null && Directory.Exists(_binaries.StorageNodeDir))
            {
                return _binaries;
            }

            if (_failure is not null)
            {
                throw new SystemUnavailableException(_failure);
            }

            try
            {
                _binaries = await BuildAndCopyAsync(context, ct);
                return _binaries;
            }
            catch (SystemUnavailableException ex)
            {
                _failure = ex.Message;
                throw;
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<DynamoBinaries> BuildAndCopyAsync(SystemContext context, CancellationToken ct)
    {
        var root = Path.GetFullPath(context.Options?.DynamoSource ?? DefaultSourceRoot);
        var solution = Path.Combine(root, "Dynamo.Aspire.sln");
        if (!File.Exists(solution))
        {
            throw new SystemUnavailableException($"no Dynamo source tree at {root} (Dynamo.Aspire.sln missing); pass --dynamo-source DIR");
        }

        var dotnet = DotnetHost();
        var artifacts = ArtifactsPath(root);
        var clock = Stopwatch.StartNew();
        if (context.Options?.DynamoNoBuild != true)
        {
            context.Status(Directory.Exists(artifacts) ? "building the Dynamo services (Release, incremental)" : "building the Dynamo services (Release, first build: a few minutes)");
            var filter = Path.Combine(context.Supervisor.RootDirectory, "dynamo-services.slnf");
            var projects = Services.Select(s => $"services/{s}/{s}.csproj").ToArray();
            await File.WriteAllTextAsync(filter, JsonSerializer.Serialize(new { solution = new { path = solution, projects } }), ct);
            var (code, output) = await RunAsync(dotnet, ["build", filter, "-c", "Release", "-nologo", "-v", "q", "-clp:ErrorsOnly;NoSummary", "-nodeReuse:false", "-p:UseSharedCompilation=false", "--artifacts-path", artifacts], root, ct);
            if (code != 0)
            {
                var errors = output.Split('\n').Select(l => l.Trim()).Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct().Take(3);
                throw new SystemUnavailableException($"building the Dynamo services in Release failed (dotnet build exit {code}): {string.Join(" | ", errors)}");
            }
        }

        var buildSeconds = clock.Elapsed.TotalSeconds;
        context.Status("copying the service builds");
        var binRoot = context.Supervisor.CreateDirectory("dynamo-bin");
        var dirs = new string[Services.Length];
        for (var i = 0; i < Services.Length; i++)
        {
            var source = Path.Combine(artifacts, "bin", Services[i], "release");
            if (!File.Exists(Path.Combine(source, Services[i] + ".dll")))
            {
                throw new SystemUnavailableException(context.Options?.DynamoNoBuild == true
                    ? $"{Services[i]}.dll not found in {source}: run once without --dynamo-no-build"
                    : $"{Services[i]}.dll not found in {source} after the build");
            }

            dirs[i] = Path.Combine(binRoot, Services[i]);
            CopyOutput(source, dirs[i]);
        }

        return new DynamoBinaries(dotnet, dirs[0], dirs[1], dirs[2], root, buildSeconds);
    }

    /// <summary>The dotnet host running the bench, else the one on PATH.</summary>
    public static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, "dotnet")))
        {
            return Path.Combine(root, "dotnet");
        }

        return PackageInstaller.Find("dotnet") ?? throw new SystemUnavailableException("cannot find the dotnet host to build and run the Dynamo services");
    }

    // Everything but other platforms' native libraries (RocksDB ships five of them, ~110 MB).
    private static void CopyOutput(string source, string target)
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        foreach (var dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, dir);
            if (!KeepRuntime(relative, arch))
            {
                continue;
            }

            Directory.CreateDirectory(Path.Combine(target, relative));
        }

        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (KeepRuntime(Path.GetDirectoryName(relative) ?? "", arch))
            {
                File.Copy(file, Path.Combine(target, relative), overwrite: true);
            }
        }
    }

    private static bool KeepRuntime(string relativeDir, string arch)
    {
        var parts = relativeDir.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || parts[0] != "runtimes")
        {
            return true;
        }

        var rid = parts[1];
        return rid == "unix" || (rid.StartsWith("linux", StringComparison.Ordinal) && rid.EndsWith("-" + arch, StringComparison.Ordinal));
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, IReadOnlyList<string> args, string cwd, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = cwd,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";

        // No MSBuild server, worker nodes or compiler server left running after the bench.
        psi.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(psi) ?? throw new SystemUnavailableException($"could not start {file}");
        process.StandardInput.Close();
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        output.Append(await stdout).Append('\n').Append(await stderr);
        return (process.ExitCode, output.ToString());
    }

    public static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
