using System.Diagnostics;
using Dynamo.Bench.Abstractions;

namespace Dynamo.Bench.Infrastructure;

/// <summary>
/// Finds a server binary on PATH and, when it is missing and the bench runs as root, installs
/// the Debian package that ships it (<c>apt-get install -y PKG</c>, then once more after
/// <c>apt-get update</c>). Anything else becomes a <see cref="SystemUnavailableException"/>
/// whose message says what to run.
/// </summary>
public static class PackageInstaller
{
    private static readonly SemaphoreSlim AptLock = new(1, 1);

    public static string? Find(string binary)
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
        {
            path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        }

        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, binary);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static async Task<string> EnsureAsync(string binary, string aptPackage, Action<string> status, CancellationToken ct)
    {
        if (Find(binary) is { } found)
        {
            return found;
        }

        if (!IsRoot())
        {
            throw new SystemUnavailableException(
                $"'{binary}' is not on PATH and the bench is not root, so it cannot install it; run: sudo apt-get install -y {aptPackage}");
        }

        if (Find("apt-get") is null)
        {
            throw new SystemUnavailableException($"'{binary}' is not on PATH and there is no apt-get to install '{aptPackage}'");
        }

        await AptLock.WaitAsync(ct);
        try
        {
            status($"installing {aptPackage} (apt-get)");
            var (ok, output) = await RunAsync("apt-get", ["install", "-y", "-q", aptPackage], ct);
            if (!ok)
            {
                status("apt-get update");
                await RunAsync("apt-get", ["update", "-q"], ct);
                status($"installing {aptPackage} (apt-get, after update)");
                (ok, output) = await RunAsync("apt-get", ["install", "-y", "-q", aptPackage], ct);
            }

            if (Find(binary) is { } installed)
            {
                return installed;
            }

            var tail = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            throw new SystemUnavailableException(
                $"'{binary}' is missing and 'apt-get install -y {aptPackage}' did not provide it: {string.Join(" | ", tail.Skip(Math.Max(0, tail.Length - 3)))}");
        }
        finally
        {
            AptLock.Release();
        }
    }

    private static async Task<(bool Ok, string Output)> RunAsync(string file, string[] args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var p = Process.Start(psi) ?? throw new SystemUnavailableException($"could not run {file}");
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new SystemUnavailableException($"{file} {string.Join(' ', args)} did not finish in 5 minutes");
        }

        return (p.ExitCode == 0, await stdout + await stderr);
    }

    /// <summary>Effective uid 0, read from /proc/self/status (no P/Invoke needed).</summary>
    public static bool IsRoot()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    var parts = line.Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries);
                    return parts.Length > 2 && parts[2] == "0";
                }
            }
        }
        catch (IOException)
        {
        }

        return string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
    }
}
