using System.Diagnostics;
using System.Globalization;

namespace Dynamo.Bench.Infrastructure;

/// <summary>
/// CPU time consumed by processes, from /proc/PID/stat (utime + stime, in USER_HZ = 100 ticks
/// per second on Linux). On a shared 2-core machine, CPU per operation is a steadier figure
/// than throughput when other work competes for the cores.
/// </summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100.0;

    /// <summary>CPU seconds of one process (threads included), or null when it is gone.</summary>
    public static double? ReadSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");

            // The command name (field 2) is in parentheses and may contain spaces: parse after ')'.
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

            // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
            var utime = long.Parse(rest[11], CultureInfo.InvariantCulture);
            var stime = long.Parse(rest[12], CultureInfo.InvariantCulture);
            return (utime + stime) / TicksPerSecond;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Sum over the given processes (missing ones count as 0).</summary>
    public static double ReadSeconds(IReadOnlyList<int> pids)
    {
        var total = 0.0;
        foreach (var pid in pids)
        {
            total += ReadSeconds(pid) ?? 0;
        }

        return total;
    }

    /// <summary>CPU seconds of the bench process itself.</summary>
    public static double Self()
    {
        using var me = Process.GetCurrentProcess();
        return me.TotalProcessorTime.TotalSeconds;
    }
}
