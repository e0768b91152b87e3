// The drain window at shutdown. When stopping begins (SIGTERM, Ctrl+C, the host's StopAsync),
// ApplicationStopping fires first (see StoppingAsync): /readyz turns 503 "stopping" and /predict answers 503 "shutting
// down". This service then holds the host for WebApp:ShutdownDrainMilliseconds before Kestrel stops
// listening, so that a load balancer polling readiness sees "stopping" instead of a closed port.
// Requests still running when Kestrel stops are finished (within HostOptions.ShutdownTimeout) before
// the models are disposed at ApplicationStopped.
namespace MnistBn.WebApp;

public sealed class ShutdownDrain(WebAppOptions options, IHostApplicationLifetime lifetime) : IHostedLifecycleService
{
    // The host calls every StoppingAsync before any StopAsync (Kestrel's included) but, when stopping
    // starts from the host's StopAsync rather than a signal, also before it fires ApplicationStopping.
    // Firing it here (the host's own next step; a second call does nothing) makes the window show.
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        lifetime.StopApplication();
        return options.ShutdownDrainMilliseconds == 0 ? Task.CompletedTask : DelayAsync(cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task DelayAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(options.ShutdownDrainMilliseconds, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout cut the window short: stop now rather than fail the shutdown.
        }
    }
}
