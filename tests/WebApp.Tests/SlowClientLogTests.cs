// A client that sends its body too slowly (Kestrel's MinRequestBodyDataRate: 240 bytes/s after a 5 s
// grace period) is answered 408 and logged as one Information line naming the problem, not as an
// error with a stack trace: it is the client's mistake, not the server's failure.
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MnistBn.WebApp.Tests;

public sealed class SlowClientLogTests
{
    [Fact]
    public async Task Slow_body_is_408_logged_as_one_information_line_without_a_stack_trace()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" });
        var log = new CapturedLog();
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(log);

        using var client = new TcpClient();
        await client.ConnectAsync(app.Address.Host, app.Address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /predict HTTP/1.1\r\nHost: {app.Address.Authority}\r\nContent-Type: image/png\r\nContent-Length: 10000\r\n\r\n"));
        // One byte a second: far under 240 bytes/s, until the server gives up (after its 5 s grace).
        var answer = new byte[4096];
        var reading = stream.ReadAsync(answer).AsTask();
        for (var i = 0; i < 15 && !reading.IsCompleted; i++)
        {
            try
            {
                await stream.WriteAsync(new byte[1]);
            }
            catch (IOException)
            {
                break; // the server closed the connection
            }
            await Task.WhenAny(reading, Task.Delay(1000));
        }
        var read = await reading.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(200); // the log line is written as the request ends

        Assert.StartsWith("HTTP/1.1 408", Encoding.ASCII.GetString(answer, 0, read));
        var entries = log.Entries.ToList();
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Error);
        Assert.DoesNotContain(entries, e => e.Exception is not null);
        var line = Assert.Single(entries, e => e.Message.Contains("(answered 408)"));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.DoesNotContain('\n', line.Message);
    }

    private sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class CapturedLog : ILoggerProvider
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                log.Entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
