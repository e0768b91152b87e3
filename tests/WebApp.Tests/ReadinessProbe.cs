// Polls GET /readyz on its own connection while the app shuts down, and keeps every answer, so a test
// can tell whether "stopping" was ever observable before the listener closed.
using System.Collections.Concurrent;
using System.Net;

namespace MnistBn.WebApp.Tests;

internal sealed class ReadinessProbe : IDisposable
{
    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(HttpStatusCode? Status, string Body)> _answers = new();
    private readonly Task _polling;

    public ReadinessProbe(Uri address)
    {
        _client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        _polling = Task.Run(PollAsync);
    }

    /// <summary>Every answer in order; a null status is a request that got no HTTP answer.</summary>
    public IReadOnlyCollection<(HttpStatusCode? Status, string Body)> Answers => _answers;

    /// <summary>Whether /readyz ever answered 503 {"status":"stopping"}.</summary>
    public bool SawStopping => _answers.Any(a => a.Status == HttpStatusCode.ServiceUnavailable && a.Body.Contains("\"stopping\"", StringComparison.Ordinal));

    /// <summary>Waits until the probe has seen "stopping" or <paramref name="timeout"/> has passed.</summary>
    public async Task<bool> WaitForStoppingAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!SawStopping && DateTime.UtcNow < deadline)
            await Task.Delay(5);
        return SawStopping;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _polling;
    }

    public string Describe() => string.Join(", ", _answers
        .GroupBy(a => a.Status is { } s ? $"{(int)s} {a.Body}" : "no answer")
        .Select(g => $"{g.Key} ×{g.Count()}"));

    private async Task PollAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var response = await _client.GetAsync("/readyz");
                _answers.Enqueue((response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                _answers.Enqueue((null, e.GetType().Name));
            }
            await Task.Delay(10);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _client.Dispose();
        _stop.Dispose();
    }
}
