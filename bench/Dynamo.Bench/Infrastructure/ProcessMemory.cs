using System.Globalization;

namespace Dynamo.Bench.Infrastructure;

/// <summary>Reads a process's resident set size from /proc (Linux).</summary>
public static class ProcessMemory
{
    /// <summary>VmRSS of the process in MiB, or null when it is gone or /proc is not readable.</summary>
    public static double? ReadRssMb(int pid) => ReadStatusMb(pid, "VmRSS:");

    /// <summary>VmHWM (the peak resident set since the process started) in MiB, or null.</summary>
    public static double? ReadPeakRssMb(int pid) => ReadStatusMb(pid, "VmHWM:");

    /// <summary>Total size in MiB of the files under <paramref name="directory"/> (0 when it does not exist).</summary>
    public static double DirectorySizeMb(string directory)
    {
        try
        {
            return Directory.Exists(directory)
                ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / (1024.0 * 1024.0)
                : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static double? ReadStatusMb(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[1], CultureInfo.InvariantCulture) / 1024.0;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
