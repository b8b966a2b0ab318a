// SIGINT, SIGTERM and SIGHUP ask p2pchat to leave the chat as :quit or end of input do (a BYE, queued lines sent),
// in every mode; a second one ends the process at once, in case leaving hangs. Ours rather than System.CommandLine's
// (Program turns its handler off): its handler cancelled a token the library had already disposed once our action
// returned, and the process died with "Unhandled exception. System.ObjectDisposedException" on stderr and exit code 2
// after every kill or Ctrl-C in pipe mode, and after SIGTERM in the full-screen UI.
using System.Runtime.InteropServices;

namespace P2PChat.Ui;

internal sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _asked = new();
    private readonly PosixSignalRegistration[] _registrations;

    public ShutdownSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal),
        ];
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _asked.Token;

    private void OnSignal(PosixSignalContext context)
    {
        if (_asked.IsCancellationRequested)
            return; // the second: the default action, which ends the process
        context.Cancel = true;
        _asked.Cancel();
    }

    public void Dispose()
    {
        // Unregistered first, so no handler can run on a disposed source.
        foreach (PosixSignalRegistration registration in _registrations)
            registration.Dispose();
        _asked.Dispose();
    }
}
