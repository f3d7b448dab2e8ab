using System.Runtime.InteropServices;

namespace AutoResearch.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM for every command, registered before the command line is even parsed: the first signal cancels
/// the running command's token (it ends what it does and exits by itself: <c>journal --follow</c> with 0, <c>run</c> with 130
/// once its silo has stopped); a second one ends the process at once. System.CommandLine's own handling is off: it registers
/// only once the command first waits (a <c>journal --follow</c> interrupted right after printing died instead of ending), and
/// it cuts a command off with 130 or 143 two seconds after the signal.
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private int _signals;

    public Interruption()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled by the first Ctrl+C or SIGTERM.</summary>
    public CancellationToken Token => _cancel.Token;

    private void OnSignal(PosixSignalContext context)
    {
        // The second signal gets its default action: the process ends now.
        if (Interlocked.Increment(ref _signals) > 1) return;
        context.Cancel = true;
        _cancel.Cancel();
    }

    /// <summary>Unregisters the handlers; the token source is left to the process's end (a handler may still be running).</summary>
    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
    }
}
