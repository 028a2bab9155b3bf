namespace Dynamo.Chaos.Cluster;

/// <summary>
/// The in-process AppHost logs to this process's console (resource output, failing health checks while a
/// fault holds a process down), which would bury the run's own progress. While a run lasts, that output
/// goes to a file instead, kept for diagnosis. The live display and the observers hold the real console.
/// </summary>
public sealed class AppHostConsole : IDisposable
{
    private readonly TextWriter _original;
    private readonly TextWriter _file;

    private AppHostConsole(string path)
    {
        Path = path;
        _original = Console.Out;
        _file = TextWriter.Synchronized(new StreamWriter(path) { AutoFlush = true });
        Console.SetOut(_file);
    }

    public string Path { get; }

    public static AppHostConsole Redirect(string path) => new(path);

    public void Dispose()
    {
        Console.SetOut(_original);
        _file.Dispose();
    }
}
