using System.Runtime.InteropServices;

namespace BackupOperator.KubectlPlugin.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM cancel the command instead of killing it, so it ends with one line and
/// the shell's code for the signal: 130 and 143. A second signal kills the process as usual.
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration[] _registrations;

    public Interruption()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, On), PosixSignalRegistration.Create(PosixSignal.SIGTERM, On)];
    }

    public CancellationToken Token => _cancel.Token;

    /// <summary>The exit code for the signal received: 128 + its number, as shells report it.</summary>
    public int ExitCode { get; private set; } = ExitCodes.Interrupted;

    private void On(PosixSignalContext context)
    {
        if (_cancel.IsCancellationRequested)
        {
            return; // the second one ends the process
        }

        context.Cancel = true;
        ExitCode = context.Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;
        _cancel.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in _registrations)
        {
            r.Dispose();
        }

        _cancel.Dispose();
    }
}
