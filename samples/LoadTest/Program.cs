// Load test of POST /predict: N concurrent clients send M requests in all over loopback and the
// tool prints throughput, latency percentiles and the error count (exit code 1 on any error).
//   dotnet run --project samples/LoadTest -c Release -- [--url http://127.0.0.1:5080] [--clients 50]
//       [--requests 20000] [--payload png|raw] [--warmup 200]
// Without --url the web app is started in this process on a free loopback port, with the models of
// its appsettings.json (models/lenet-{bn,nobn}.onnx under the repository root).
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using MnistBn.LoadTest;
using MnistBn.WebApp;

LoadTestOptions options;
try
{
    options = LoadTestOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(LoadTestOptions.Usage);
    return 2;
}

Microsoft.AspNetCore.Builder.WebApplication? app = null;
var target = options.Url;
if (target is null)
{
    try
    {
        app = WebAppHost.Build([], new Dictionary<string, string?> { ["WebApp:Port"] = "0", ["Logging:LogLevel:Default"] = "Warning" });
        await WebAppHost.StartAsync(app);
    }
    catch (Exception e)
    {
        Console.Error.WriteLine(StartupError.Describe(e));
        return 1;
    }
    target = WebAppHost.ListeningAddress(app);
}

var (body, contentType) = Payload.Create(options.Payload);
using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
using var client = new HttpClient(handler) { BaseAddress = target, Timeout = TimeSpan.FromSeconds(30) };

async Task<bool> SendAsync()
{
    using var content = new ByteArrayContent(body);
    content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
    using var response = await client.PostAsync("/predict", content);
    var text = await response.Content.ReadAsStringAsync();
    return response.IsSuccessStatusCode && text.Contains("\"predictions\"", StringComparison.Ordinal);
}

for (var i = 0; i < options.Warmup; i++)
    await SendAsync();

var latencies = new double[options.Requests];
var next = -1;
var errors = 0;
var firstError = "";
var total = Stopwatch.StartNew();
var clients = Enumerable.Range(0, options.Clients).Select(_ => Task.Run(async () =>
{
    int index;
    while ((index = Interlocked.Increment(ref next)) < options.Requests)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (!await SendAsync())
                Interlocked.Increment(ref errors);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            if (Interlocked.Increment(ref errors) == 1)
                firstError = e.Message;
        }
        latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
})).ToArray();
await Task.WhenAll(clients);
total.Stop();

Array.Sort(latencies);
double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p / 100 * latencies.Length) - 1)];
Console.WriteLine($"target      {target} ({(app is null ? "external" : "in-process")}), payload {options.Payload} ({body.Length} bytes, {contentType})");
Console.WriteLine($"load        {options.Clients} concurrent clients, {options.Requests} requests (after {options.Warmup} warm-up)");
Console.WriteLine($"machine     {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
Console.WriteLine($"elapsed     {total.Elapsed.TotalSeconds:F2} s");
Console.WriteLine($"throughput  {options.Requests / total.Elapsed.TotalSeconds:F0} requests/s");
Console.WriteLine($"latency     p50 {Percentile(50):F2} ms, p90 {Percentile(90):F2} ms, p99 {Percentile(99):F2} ms, max {latencies[^1]:F2} ms");
Console.WriteLine($"errors      {errors}{(firstError.Length > 0 ? $" (first: {firstError})" : "")}");

if (app is not null)
{
    await app.StopAsync();
    await app.DisposeAsync();
}
return errors == 0 ? 0 : 1;
