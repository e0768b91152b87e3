// The real web app (Kestrel, loopback, a free port) on the fixture models, with an HttpClient aimed
// at it. Linked into the browser tests.
using Microsoft.AspNetCore.Builder;
using MnistBn.WebApp;

namespace MnistBn.WebApp.Tests;

public sealed class TestApp : IAsyncDisposable
{
    /// <summary>The body limit the tests run with (small, so that "too large" is cheap to send).</summary>
    public const int MaxRequestBytes = 64 * 1024;

    private readonly WebApplication _app;

    private TestApp(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public static async Task<TestApp> StartAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["WebApp:Port"] = "0",
            ["WebApp:MaxRequestBytes"] = MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WebApp:Models:bn"] = FixtureModels.BatchNorm,
            ["WebApp:Models:nobn"] = FixtureModels.NoBatchNorm,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        var app = WebAppHost.Build([], settings);
        await WebAppHost.StartAsync(app);
        return new TestApp(app, WebAppHost.ListeningAddress(app));
    }

    /// <summary>Stops the app the way SIGTERM does (the host's StopAsync); DisposeAsync may follow.</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <summary>The app's DI container.</summary>
    public IServiceProvider Services => _app.Services;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One running app shared by the tests of a class.</summary>
public sealed class TestAppFixture : IAsyncLifetime
{
    private TestApp? _app;

    public TestApp App => _app ?? throw new InvalidOperationException("not started");

    public HttpClient Client => App.Client;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
    }
}
