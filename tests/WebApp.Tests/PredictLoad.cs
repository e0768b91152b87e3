// Concurrent POST /predict clients for the fault tests: each sends raw digits back to back until told
// to stop, and every outcome is counted — a status code, or a client-side failure (connection refused
// or reset once the listener has closed).
using System.Collections.Concurrent;
using System.Net;

namespace MnistBn.WebApp.Tests;

internal sealed class PredictLoad : IDisposable
{
    /// <summary>The outcome of a request that got no HTTP answer.</summary>
    public const string ClientFailure = "client failure";

    /// <summary>The outcome of a request that got no answer within the client's timeout.</summary>
    public const string Timeout = "timeout";

    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, int> _outcomes = new();
    private readonly ConcurrentBag<string> _bodiesOf503 = [];
    private readonly Task _clients;

    public PredictLoad(Uri address, int clients)
    {
        _client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        var pixels = TestDigits.Pixels(seed: 6);
        _clients = Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() => ClientAsync(pixels))));
    }

    /// <summary>Outcome → count: "200", "503", …, or <see cref="ClientFailure"/>.</summary>
    public IReadOnlyDictionary<string, int> Outcomes => _outcomes;

    public int Count(HttpStatusCode status) => _outcomes.GetValueOrDefault(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));

    public int Total => _outcomes.Values.Sum();

    public IEnumerable<string> BodiesOf503 => _bodiesOf503;

    /// <summary>Waits until at least <paramref name="requests"/> requests have been answered.</summary>
    public async Task WarmUpAsync(int requests)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Total < requests && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        Assert.True(Total >= requests, $"only {Total} requests answered during the warm-up");
    }

    /// <summary>Lets the clients finish their current request and stop.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _clients;
    }

    public string Describe() => string.Join(", ", _outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}: {o.Value}"));

    private async Task ClientAsync(byte[] pixels)
    {
        while (!_stop.IsCancellationRequested)
        {
            string outcome;
            try
            {
                using var response = await _client.PostAsync("/predict", TestDigits.Body(pixels, "application/octet-stream"));
                outcome = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    _bodiesOf503.Add(await response.Content.ReadAsStringAsync());
            }
            catch (TaskCanceledException) when (!_stop.IsCancellationRequested)
            {
                outcome = Timeout;
            }
            catch (HttpRequestException)
            {
                outcome = ClientFailure;
                // The server has gone away; do not spin on refused connections.
                await Task.Delay(20);
            }
            _outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _client.Dispose();
        _stop.Dispose();
    }
}
