// Draws a digit on the page's canvas with real mouse events in headless chromium and checks that
// both models' predictions and their ten probability bars appear.
using MnistBn.WebApp.Tests;
using Microsoft.Playwright;

namespace MnistBn.WebApp.BrowserTests;

public sealed class DrawingPageTests : IAsyncLifetime
{
    private TestApp? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private static string ChromiumPath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"no browser at {ChromiumPath}: install Debian's chromium (samples/WebApp/browser-test.sh does) or set CHROMIUM_PATH");
        _app = await TestApp.StartAsync();
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

    [Fact]
    public async Task Drawing_a_digit_shows_both_models_predictions_and_probabilities()
    {
        var page = await _browser!.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, message) => errors.Add(message);
        await page.GotoAsync(_app!.Address.ToString());

        // A "7": a bar across the top and a diagonal down to the bottom left.
        var box = (await page.Locator("#pad").BoundingBoxAsync())!;
        await StrokeAsync(page, box, [(0.25, 0.2), (0.75, 0.2), (0.4, 0.85)]);

        foreach (var model in new[] { "bn", "nobn" })
        {
            var card = page.Locator($"#result-{model}");
            await Assertions.Expect(card.Locator("[data-testid=digit]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9]$"));
            await Assertions.Expect(card.Locator("[data-testid=bar]")).ToHaveCountAsync(10);
        }
        Assert.Contains("BatchNorm", await page.Locator("#result-bn h2").InnerTextAsync());
        Assert.Equal("", await page.Locator("#status").InnerTextAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Clear_removes_the_predictions()
    {
        var page = await _browser!.NewPageAsync();
        await page.GotoAsync(_app!.Address.ToString());
        var box = (await page.Locator("#pad").BoundingBoxAsync())!;
        await StrokeAsync(page, box, [(0.5, 0.15), (0.5, 0.85)]);
        await Assertions.Expect(page.Locator("#result-bn")).ToBeVisibleAsync();

        await page.ClickAsync("#clear");

        await Assertions.Expect(page.Locator(".model")).ToHaveCountAsync(0);
    }

    private static async Task StrokeAsync(IPage page, LocatorBoundingBoxResult box, (double X, double Y)[] points)
    {
        await page.Mouse.MoveAsync((float)(box.X + points[0].X * box.Width), (float)(box.Y + points[0].Y * box.Height));
        await page.Mouse.DownAsync();
        foreach (var (x, y) in points.Skip(1))
            await page.Mouse.MoveAsync((float)(box.X + x * box.Width), (float)(box.Y + y * box.Height), new MouseMoveOptions { Steps = 12 });
        await page.Mouse.UpAsync();
    }
}
