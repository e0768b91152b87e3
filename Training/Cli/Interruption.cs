// Ctrl-C (SIGINT) and SIGTERM for the whole invocation of a command, and the one mechanism that handles
// them. The default handling ends the process while LibTorch's or ONNX Runtime's threads are still
// inside native code: System.CommandLine's own handler (ProcessTerminationTimeout) cancels the action's
// token but returns the signal's exit code from Main after two seconds whether the action has stopped
// or not, and the runtime then tears the process down under the running kernels (SIGSEGV, or SIGABRT
// from oneDNN). So CommandLineRunner switches that handler off and installs this one instead: the
// first signal is kept from ending the process and cancels the token the commands check at their safe
// points (between batches, between stages and models); the command unwinds, disposing its threads and
// locks, and only then does Main return, with 130 or 143. A second Ctrl-C takes the default action and
// ends the process at once (the OS kills it; no managed teardown runs, so nothing crashes), for a user
// who will not wait; a second SIGTERM is ignored, as the command is already stopping.
using System.Runtime.InteropServices;

namespace MnistBn.Training.Cli;

/// <summary>Turns the first SIGINT or SIGTERM into a cancelled token while it is listening.</summary>
internal sealed class Interruption : IDisposable
{
    // Linux's numbers; PosixSignal's own values are negative placeholders, not the signal numbers.
    private const int Sigint = 2;
    private const int Sigterm = 15;

    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signal; // the first signal's number, 0 until one arrives

    private Interruption()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    /// <summary>Starts listening; disposing restores the default handling.</summary>
    public static Interruption Listen() => new();

    /// <summary>Cancelled when the first signal arrives.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>The name of the signal that arrived first (SIGINT, SIGTERM), or null.</summary>
    public string? SignalName => Volatile.Read(ref _signal) switch
    {
        0 => null,
        Sigint => "SIGINT",
        _ => "SIGTERM",
    };

    /// <summary>The shell's convention for a process ended by the signal: 128 + its number (130, 143).</summary>
    public int ExitCode => 128 + Volatile.Read(ref _signal);

    private void OnSignal(PosixSignalContext context)
    {
        var number = context.Signal == PosixSignal.SIGINT ? Sigint : Sigterm;
        if (Interlocked.CompareExchange(ref _signal, number, 0) == 0)
        {
            context.Cancel = true;
            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The command has already returned; the process is about to exit with its own code.
            }
            return;
        }
        // Already stopping: a second Ctrl-C means "now" (the default action), a second SIGTERM changes nothing.
        context.Cancel = context.Signal != PosixSignal.SIGINT;
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _cancel.Dispose();
    }
}
