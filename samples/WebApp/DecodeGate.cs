// Bounds how many pictures are decoded and scored at once (WebApp:MaxConcurrentDecodes). Each one in
// flight holds its decoded pixels (up to ~5 MB at the default 1 Mpixel bound); without a bound, a
// burst of N uploads holds N of them at once and the process keeps that peak long after the burst.
// Waiting requests hold only their body, which MaxRequestBytes already bounds. The semaphore is never
// disposed: a request finishing during shutdown must still be able to give its slot back.
namespace MnistBn.WebApp;

public sealed class DecodeGate(int slots)
{
    private readonly SemaphoreSlim _slots = new(slots, slots);

    /// <summary>Waits for a slot; dispose the result to give it back.</summary>
    /// <exception cref="OperationCanceledException">The client went away while it waited.</exception>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        return new Slot(_slots);
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                slots.Release();
        }
    }
}
