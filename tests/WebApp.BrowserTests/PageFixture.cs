// One web app on the committed models and one headless chromium, shared by the drawing-page tests.
using Microsoft.Playwright;
using MnistBn.Shared;
using MnistBn.WebApp.Tests;

namespace MnistBn.WebApp.BrowserTests;

/// <summary>One app (on the committed models) and one browser for all the page's tests.</summary>
public sealed class PageFixture : IAsyncLifetime
{
    private TestApp? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static string Root { get; } = RepositoryPaths.FindRoot();

    /// <summary>A file of the page's sample digits (wwwroot/samples).</summary>
    public static string Sample(string name) => Path.Combine(Root, "samples", "WebApp", "wwwroot", "samples", name);

    public Uri Address => _app!.Address;

    public IBrowser Browser => _browser!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"no browser at {ChromiumPath}: install Debian's chromium (samples/WebApp/browser-test.sh does) or set CHROMIUM_PATH");
        _app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["WebApp:Models:bn"] = Path.Combine(Root, "models", "lenet-bn.onnx"),
            ["WebApp:Models:nobn"] = Path.Combine(Root, "models", "lenet-nobn.onnx"),
        });
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_app is not null)
            await _app.DisposeAsync();
    }
}
