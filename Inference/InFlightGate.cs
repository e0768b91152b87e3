// Lets many predictions run at once and a Dispose wait for them: each prediction holds a pass while
// it uses the native session; Dispose closes the gate (no new passes) and waits until the last pass is
// returned before the session is freed. Without it, disposing under load crashed inside ONNX Runtime.
// Ordering: a pass counts itself in, then looks at the gate; Dispose closes the gate, then looks at the
// count (full fences on both sides), so either the pass sees the gate closed or Dispose sees the pass.
namespace MnistBn.Inference;

internal sealed class InFlightGate
{
    private int _inFlight;
    private int _closed;

    /// <summary>A pass for one use of the native resources; dispose it when done.</summary>
    /// <exception cref="ObjectDisposedException">The gate is closed.</exception>
    public Pass Enter(object owner)
    {
        Interlocked.Increment(ref _inFlight);
        if (Volatile.Read(ref _closed) != 0)
        {
            Interlocked.Decrement(ref _inFlight);
            throw new ObjectDisposedException(owner.GetType().FullName);
        }
        return new Pass(this);
    }

    /// <summary>Fails fast before any work when the gate is already closed.</summary>
    public void ThrowIfClosed(object owner) => ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, owner);

    /// <summary>Closes the gate and waits for every pass; false when it was closed already.</summary>
    public bool CloseAndDrain()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return false;
        // A prediction takes tens of microseconds, a batch up to seconds: spin briefly, then sleep.
        SpinWait.SpinUntil(() => Volatile.Read(ref _inFlight) == 0);
        return true;
    }

    /// <summary>One prediction's hold on the gate.</summary>
    public readonly struct Pass(InFlightGate gate) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => Interlocked.Decrement(ref gate._inFlight);
    }
}
