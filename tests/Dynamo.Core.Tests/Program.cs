using Dynamo.Core.Tests.Storage;

namespace Dynamo.Core.Tests;

/// <summary>
/// Entry point: runs the tests, or, with <c>--rocksdb-writer DIR COUNT</c>, acts as a separate process
/// that writes to a RocksDB store and exits abruptly (the process-level durability test).
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 3 && args[0] == RocksDbChildProcess.Verb)
        {
            return RocksDbChildProcess.Run(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
        }

        if (args.Any(a => a is "--server" or "--internal-msbuild-node"))
        {
            return Xunit.MicrosoftTestingPlatform.TestPlatformTestFramework
                .RunAsync(args, SelfRegisteredExtensions.AddSelfRegisteredExtensions).GetAwaiter().GetResult();
        }

        return Xunit.Runner.InProc.SystemConsole.ConsoleRunner.Run(args).GetAwaiter().GetResult();
    }
}
