using System.Globalization;

namespace Dynamo.Bench.Infrastructure;

/// <summary>
/// Owns every child process and temp directory of one bench run. Everything lives under one
/// root, <c>$TMPDIR/dynamo-bench-PID-XXXX/</c>, holding <c>owner.pid</c> and
/// <c>children.pids</c>. <see cref="KillAll"/> runs on normal exit, on SIGINT/SIGTERM/SIGHUP
/// and on process exit; a run that was SIGKILLed leaves its root behind, and the next run
/// reaps it (<see cref="ReapOrphans"/>): it kills only pids listed there whose working
/// directory or command line is inside that root, so an unrelated process that reused the
/// pid is never touched.
/// </summary>
public sealed class ProcessSupervisor : IDisposable
{
    private const string RootPrefix = "dynamo-bench-";
    private readonly List<ManagedProcess> _children = [];
    private readonly Lock _gate = new();
    private int _killed;

    public ProcessSupervisor()
    {
        RootDirectory = Path.Combine(Path.GetTempPath(), $"{RootPrefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(RootDirectory);
        File.WriteAllText(Path.Combine(RootDirectory, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    }

    public string RootDirectory { get; }

    /// <summary>Creates (fresh) a directory under the run's root.</summary>
    public string CreateDirectory(string name)
    {
        var path = Path.Combine(RootDirectory, name);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        Directory.CreateDirectory(path);
        return path;
    }

    public ManagedProcess Start(ProcessSpec spec)
    {
        if (Volatile.Read(ref _killed) != 0)
        {
            throw new OperationCanceledException("the bench is shutting down");
        }

        var process = new ManagedProcess(this, spec);
        process.Start();
        return process;
    }

    internal void RecordChild(ManagedProcess process)
    {
        lock (_gate)
        {
            if (!_children.Contains(process))
            {
                _children.Add(process);
            }

            File.AppendAllText(
                Path.Combine(RootDirectory, "children.pids"),
                string.Create(CultureInfo.InvariantCulture, $"{process.Pid}\t{process.Name}\n"));
        }
    }

    /// <summary>Kills the given processes now (used by systems on dispose).</summary>
    public static void Kill(IEnumerable<ManagedProcess> processes)
    {
        var list = processes.ToList();
        foreach (var p in list)
        {
            p.Kill(TimeSpan.Zero);
        }

        foreach (var p in list)
        {
            p.Kill(TimeSpan.FromSeconds(5));
            p.DisposeLog();
        }
    }

    /// <summary>Kills every child still running and deletes the run's root. Idempotent.</summary>
    public void KillAll()
    {
        if (Interlocked.Exchange(ref _killed, 1) != 0)
        {
            return;
        }

        List<ManagedProcess> children;
        lock (_gate)
        {
            children = [.. _children];
        }

        Kill(children);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(RootDirectory))
                {
                    Directory.Delete(RootDirectory, recursive: true);
                }

                return;
            }
            catch (IOException)
            {
                Thread.Sleep(200);
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    public void Dispose() => KillAll();

    /// <summary>Kills children of earlier runs that died without cleaning up, and removes their roots.</summary>
    public static int ReapOrphans()
    {
        var reaped = 0;
        string[] roots;
        try
        {
            roots = Directory.GetDirectories(Path.GetTempPath(), RootPrefix + "*");
        }
        catch (IOException)
        {
            return 0;
        }

        foreach (var root in roots)
        {
            var ownerFile = Path.Combine(root, "owner.pid");
            if (File.Exists(ownerFile)
                && int.TryParse(File.ReadAllText(ownerFile).Trim(), CultureInfo.InvariantCulture, out var owner)
                && IsAlive(owner))
            {
                continue; // a bench that is still running
            }

            var childFile = Path.Combine(root, "children.pids");
            if (File.Exists(childFile))
            {
                foreach (var line in File.ReadAllLines(childFile))
                {
                    var tab = line.IndexOf('\t', StringComparison.Ordinal);
                    if (tab > 0
                        && int.TryParse(line.AsSpan(0, tab), CultureInfo.InvariantCulture, out var pid)
                        && BelongsTo(pid, root))
                    {
                        try
                        {
                            using var p = System.Diagnostics.Process.GetProcessById(pid);
                            p.Kill(entireProcessTree: true);
                            p.WaitForExit(5000);
                            reaped++;
                        }
                        catch (ArgumentException)
                        {
                        }
                        catch (InvalidOperationException)
                        {
                        }
                        catch (System.ComponentModel.Win32Exception)
                        {
                        }
                    }
                }
            }

            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return reaped;
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}");

    private static bool BelongsTo(int pid, string root)
    {
        var proc = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";
        try
        {
            var cwd = new DirectoryInfo(Path.Combine(proc, "cwd")).ResolveLinkTarget(returnFinalTarget: false)?.FullName;
            if (cwd is not null && cwd.StartsWith(root, StringComparison.Ordinal))
            {
                return true;
            }

            var cmdline = File.ReadAllText(Path.Combine(proc, "cmdline"));
            return cmdline.Contains(root, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
