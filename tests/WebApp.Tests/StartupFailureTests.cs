// A failure while the app starts (a bad setting, a port in use) is one line on stderr naming the
// setting, and exit code 1 — never an unhandled exception with its stack trace. The process tests run
// the built app; each takes a few seconds.
using System.Net;
using System.Net.Sockets;
using MnistBn.WebApp;

namespace MnistBn.WebApp.Tests;

public sealed class StartupFailureTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void Unknown_device_is_refused_before_the_models_load_naming_the_setting_and_the_forms()
    {
        // The model does not exist: the device must be the first complaint, before any model is loaded.
        var settings = new Dictionary<string, string?>
        {
            ["WebApp:Port"] = "0",
            ["WebApp:Device"] = "gpu",
            ["WebApp:Models:bn"] = Path.Combine(FixtureModels.TempFolder(), "never-read.onnx"),
        };

        var error = Assert.Throws<InvalidOperationException>(() => WebAppHost.Build([], settings));

        Assert.Contains("WebApp:Device", error.Message);
        Assert.Contains("'gpu'", error.Message);
        Assert.Contains("cpu | cuda | cuda:<id>", error.Message);
    }

    [Fact]
    public async Task Unknown_device_ends_the_process_with_one_error_line_and_exit_code_1()
    {
        using var app = WebAppProcess.Start("--WebApp:Device=gpu");

        var exitCode = await app.ExitCodeAsync(ExitTimeout);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(app.StderrLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains("WebApp:Device", line);
        Assert.Contains("'gpu'", line);
        Assert.Contains("cpu | cuda | cuda:<id>", line);
        AssertNoStackTrace(app);
    }

    [Fact]
    public async Task Port_in_use_ends_the_process_with_one_line_naming_the_address_and_the_setting()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var app = WebAppProcess.Start($"--WebApp:Port={port}");

        var exitCode = await app.ExitCodeAsync(ExitTimeout);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(app.StderrLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains($"127.0.0.1:{port}", line);
        Assert.Contains("in use", line);
        Assert.Contains("--WebApp:Port=<n>", line);
        Assert.Contains("WebApp__Port", line);
        AssertNoStackTrace(app);
    }

    [Fact]
    public void Unexpected_startup_error_is_one_line_that_keeps_its_type()
    {
        var line = StartupError.Describe(new NullReferenceException("first\nsecond"));

        Assert.Equal("error: unexpected System.NullReferenceException while starting: first second", line);
    }

    private static void AssertNoStackTrace(WebAppProcess app)
    {
        Assert.DoesNotContain("   at ", app.Stderr);
        Assert.DoesNotContain("   at ", app.Stdout);
        Assert.DoesNotContain("Unhandled exception", app.Stderr);
    }
}
