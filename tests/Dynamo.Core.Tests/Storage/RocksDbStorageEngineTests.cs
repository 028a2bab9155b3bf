using System.Diagnostics;
using Dynamo.Core.Storage;

namespace Dynamo.Core.Tests.Storage;

public sealed class RocksDbStorageEngineTests : StorageEngineContract
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dynamo-rocks-" + Guid.NewGuid().ToString("N"));
    private int _instances;

    protected override IStorageEngine CreateEngine() =>
        new RocksDbStorageEngine(Path.Combine(_root, "db" + _instances++));

    [Theory]
    [InlineData(FsyncPolicy.GroupCommit)]
    [InlineData(FsyncPolicy.Always)]
    [InlineData(FsyncPolicy.None)]
    public void DataSurvivesCloseAndReopen(FsyncPolicy fsync)
    {
        var dir = Path.Combine(_root, "reopen-" + fsync);
        using (var engine = new RocksDbStorageEngine(dir, fsync))
        {
            var store = new ReplicaStore(engine, 16);
            store.Put("t", "k", ObjectWith("durable"));
            engine.SyncWal();
        }

        using var reopened = new RocksDbStorageEngine(dir, fsync);
        var got = new ReplicaStore(reopened, 16).Get("t", "k");
        Assert.Equal("durable"u8.ToArray(), Assert.Single(got!.Set.LiveValues()).Value.ToArray());
    }

    [Fact]
    public async Task AcknowledgedWritesSurviveTheWritingProcessBeingKilled()
    {
        // The writer is another process, SIGKILLed after its writes returned: no dispose, no memtable
        // flush. With FsyncPolicy.None the WAL is only in the page cache, which a process crash keeps.
        var dir = Path.Combine(_root, "killed");
        const int Count = 2_000;
        var self = typeof(Program).Assembly.Location;
        var host = Environment.ProcessPath!;
        var psi = Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? new ProcessStartInfo(host) { ArgumentList = { self } }
            : new ProcessStartInfo(host);
        psi.ArgumentList.Add(RocksDbChildProcess.Verb);
        psi.ArgumentList.Add(dir);
        psi.ArgumentList.Add(Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardInput = true;
        psi.UseShellExecute = false;

        using var child = Process.Start(psi)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? line = await child.StandardOutput.ReadLineAsync(cts.Token);
        Assert.Equal(RocksDbChildProcess.Ready, line);
        child.Kill();
        await child.WaitForExitAsync(cts.Token);

        using var reopened = new RocksDbStorageEngine(dir, FsyncPolicy.None);
        var store = new ReplicaStore(reopened, 64);
        for (int i = 0; i < Count; i++)
        {
            var got = store.Get("t", "key" + i);
            Assert.NotNull(got);
            Assert.Equal(RocksDbChildProcess.ValueOf(i), Assert.Single(got.Set.LiveValues()).Value.ToArray());
        }
    }

    [Fact]
    public void AnUnknownOnDiskFormatIsRefused()
    {
        var dir = Path.Combine(_root, "format");
        using (var engine = new RocksDbStorageEngine(dir))
        {
            engine.Write(new StorageBatch().Put(StoreSpace.Meta, "format"u8.ToArray(), BitConverter.GetBytes(99)));
        }

        var ex = Assert.Throws<InvalidDataException>(() => new RocksDbStorageEngine(dir));
        Assert.Contains("format version 99", ex.Message, StringComparison.Ordinal);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

/// <summary>The child side of <see cref="RocksDbStorageEngineTests.AcknowledgedWritesSurviveTheWritingProcessBeingKilled"/>.</summary>
internal static class RocksDbChildProcess
{
    public const string Verb = "--rocksdb-writer";
    public const string Ready = "written";

    public static byte[] ValueOf(int i) => System.Text.Encoding.UTF8.GetBytes("value-" + i);

    public static int Run(string directory, int count)
    {
        var engine = new RocksDbStorageEngine(directory, FsyncPolicy.None);
        var store = new ReplicaStore(engine, 64);
        for (int i = 0; i < count; i++)
        {
            store.Put("t", "key" + i, StoredObjectOf(i));
        }

        Console.Out.WriteLine(Ready);
        Console.Out.Flush();

        // Wait to be killed; never close the engine.
        Console.In.ReadToEnd();
        GC.KeepAlive(engine);
        return 0;
    }

    private static StoredObject StoredObjectOf(int i)
    {
        var set = Dynamo.Core.Versioning.DottedVersionVectorSet.Empty.Update(
            Dynamo.Core.Versioning.VersionVector.Empty,
            new Dynamo.Core.Versioning.Actor(new NodeId("n1"), 1),
            new Dynamo.Core.Versioning.Sibling(ValueOf(i), null));
        return StoredObject.Create(set, 1, 1);
    }
}
