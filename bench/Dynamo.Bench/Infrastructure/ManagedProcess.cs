using System.Diagnostics;
using System.Text;

namespace Dynamo.Bench.Infrastructure;

/// <summary>What to launch; kept so a crashed node can be started again identically.</summary>
public sealed record ProcessSpec(
    string Name,
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    string LogPath)
{
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// A child process owned by the bench: stdout/stderr go to a log file, stdin is closed, and it
/// is killed (with its tree) when the <see cref="ProcessSupervisor"/> is disposed or the bench
/// receives SIGINT/SIGTERM.
/// </summary>
public sealed class ManagedProcess
{
    private readonly ProcessSupervisor _owner;
    private readonly Lock _gate = new();
    private Process? _process;
    private StreamWriter? _log;

    internal ManagedProcess(ProcessSupervisor owner, ProcessSpec spec)
    {
        _owner = owner;
        Spec = spec;
    }

    public ProcessSpec Spec { get; }

    public string Name => Spec.Name;

    public int Pid
    {
        get
        {
            lock (_gate)
            {
                return _process?.Id ?? 0;
            }
        }
    }

    public bool HasExited
    {
        get
        {
            lock (_gate)
            {
                return _process is null || _process.HasExited;
            }
        }
    }

    public string ExitDescription
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: true } p ? $"exited with code {p.ExitCode}" : "running";
            }
        }
    }

    internal void Start()
    {
        var psi = new ProcessStartInfo(Spec.FileName)
        {
            WorkingDirectory = Spec.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var arg in Spec.Arguments)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in Spec.Environment)
        {
            psi.Environment[key] = value;
        }

        lock (_gate)
        {
            if (_process is { HasExited: false })
            {
                throw new InvalidOperationException($"{Name} is already running");
            }

            _log?.Dispose();
            _log = new StreamWriter(new FileStream(Spec.LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), Encoding.UTF8)
            {
                AutoFlush = true,
            };
            var log = _log;
            var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) => WriteLog(log, e.Data);
            process.ErrorDataReceived += (_, e) => WriteLog(log, e.Data);
            if (!process.Start())
            {
                throw new InvalidOperationException($"could not start {Spec.FileName}");
            }

            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process?.Dispose();
            _process = process;
        }

        _owner.RecordChild(this);
    }

    private static void WriteLog(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        try
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
        catch (ObjectDisposedException)
        {
            // the process was restarted or the bench is shutting down; the line is not needed
        }
    }

    /// <summary>SIGKILLs the process tree and waits (bounded) for it to go away.</summary>
    public void Kill(TimeSpan wait)
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
        }

        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit(wait);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // already gone or not ours any more
        }
    }

    /// <summary>Starts the process again with the same spec (same ports, same data dir).</summary>
    public void Restart()
    {
        Kill(TimeSpan.FromSeconds(10));
        Start();
    }

    /// <summary>The last lines of the process's log, to explain a failed start.</summary>
    public string LogTail(int lines = 12)
    {
        try
        {
            using var stream = new FileStream(Spec.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join(" | ", all.Skip(Math.Max(0, all.Length - lines)).Select(l => l.Trim()));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    internal void DisposeLog()
    {
        lock (_gate)
        {
            _log?.Dispose();
            _log = null;
            _process?.Dispose();
            _process = null;
        }
    }
}
