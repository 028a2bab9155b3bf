using System.Runtime.InteropServices;

namespace Dynamo.Bench.Infrastructure;

/// <summary>
/// SIGINT (Ctrl+C), SIGTERM, SIGHUP and SIGQUIT: the first one cancels the run, which then
/// stops its systems, writes partial results and exits 130; a second one kills every child
/// at once and exits. On any process exit the children are killed as a last resort.
/// (System.CommandLine's own termination handling is switched off in Program.cs so it cannot
/// exit before this cleanup ran.)
/// </summary>
public sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly ProcessSupervisor _supervisor;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _received;

    public ShutdownSignals(CancellationTokenSource cts, ProcessSupervisor supervisor)
    {
        _cts = cts;
        _supervisor = supervisor;
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, Handle));
        }

        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public void Dispose()
    {
        foreach (var r in _registrations)
        {
            r.Dispose();
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _received) == 1)
        {
            Console.Error.WriteLine($"\n{context.Signal}: stopping the run and cleaning up (send it again to force)...");
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
        else
        {
            _supervisor.KillAll();
            Environment.Exit(130);
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => _supervisor.KillAll();
}
