// Faults under load: many concurrent POST /predict clients while a model file goes bad or the app is
// told to stop. Whatever happens, no request is answered 500: it succeeds (200), is refused as
// "shutting down" (503), or finds the listener closed (a client-side failure, counted).
using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace MnistBn.WebApp.Tests;

public sealed class FaultTests(ITestOutputHelper output)
{
    private const int Clients = 12;
    private static readonly TimeSpan LoadTime = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Model_files_going_bad_under_load_change_nothing_because_they_are_read_once()
    {
        var folder = FixtureModels.TempFolder();
        var bn = Path.Combine(folder, "bn.onnx");
        var nobn = Path.Combine(folder, "nobn.onnx");
        File.Copy(FixtureModels.BatchNorm, bn);
        File.Copy(FixtureModels.NoBatchNorm, nobn);
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["WebApp:Models:bn"] = bn,
            ["WebApp:Models:nobn"] = nobn,
        });
        using var load = new PredictLoad(app.Address, Clients);
        await load.WarmUpAsync(50);

        // Garbage over one file, the other gone: nothing re-reads them while the app runs.
        await File.WriteAllTextAsync(bn, "not a model any more");
        File.Delete(nobn);
        var before = load.Total;
        await Task.Delay(LoadTime);
        await load.StopAsync();

        output.WriteLine($"requests: {load.Total} ({load.Total - before} after the files went bad); {load.Describe()}");
        Assert.Equal(load.Total, load.Count(HttpStatusCode.OK));
        Assert.True(load.Total - before > 0, "no request ran after the files went bad");
        using var ready = await app.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Stop_under_load_answers_200_or_503_never_500_and_readiness_says_stopping()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["WebApp:ShutdownDrainMilliseconds"] = "400" });
        using var load = new PredictLoad(app.Address, Clients);
        await load.WarmUpAsync(50);
        await Task.Delay(LoadTime / 2);
        using var probe = new ReadinessProbe(app.Address);

        await app.StopAsync();
        await load.StopAsync();
        await probe.StopAsync();

        output.WriteLine($"requests: {load.Total}; {load.Describe()}");
        output.WriteLine($"readyz: {probe.Describe()}");
        AssertNeither500NorTimeout(load);
        Assert.True(load.Count(HttpStatusCode.OK) > 0);
        Assert.True(load.Count(HttpStatusCode.ServiceUnavailable) > 0, "no request was refused during the drain window");
        Assert.All(load.BodiesOf503, AssertShuttingDown);
        Assert.True(probe.SawStopping, $"/readyz never answered 503 stopping: {probe.Describe()}");
    }

    [Fact]
    public async Task Predict_after_stopping_began_is_503_shutting_down()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["WebApp:ShutdownDrainMilliseconds"] = "3000" }); // room for a loaded machine between seeing "stopping" and posting
        using var probe = new ReadinessProbe(app.Address);
        var stopping = app.StopAsync();
        Assert.True(await probe.WaitForStoppingAsync(TimeSpan.FromSeconds(2)), $"/readyz: {probe.Describe()}");

        using var response = await app.Client.PostAsync("/predict", TestDigits.Body(TestDigits.Pixels(), "application/octet-stream"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        AssertShuttingDown(await response.Content.ReadAsStringAsync());
        await probe.StopAsync();
        await stopping;
    }

    [Fact]
    public async Task Sigterm_under_load_drains_answers_200_or_503_and_exits_0()
    {
        using var app = WebAppProcess.Start("--WebApp:ShutdownDrainMilliseconds=400");
        var address = await app.ListeningAsync(TimeSpan.FromSeconds(30));
        using var load = new PredictLoad(address, Clients);
        await load.WarmUpAsync(50);
        await Task.Delay(LoadTime / 2);
        using var probe = new ReadinessProbe(address);

        app.Terminate();
        var exitCode = await app.ExitCodeAsync(TimeSpan.FromSeconds(20));
        await load.StopAsync();
        await probe.StopAsync();

        output.WriteLine($"requests: {load.Total}; {load.Describe()}");
        output.WriteLine($"readyz: {probe.Describe()}");
        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr:\n{app.Stderr}");
        Assert.Equal("", app.Stderr);
        AssertNeither500NorTimeout(load);
        Assert.True(load.Count(HttpStatusCode.OK) > 0);
        Assert.True(load.Count(HttpStatusCode.ServiceUnavailable) > 0, "no request was refused during the drain window");
        Assert.All(load.BodiesOf503, AssertShuttingDown);
        Assert.True(probe.SawStopping, $"/readyz never answered 503 stopping: {probe.Describe()}");
    }

    private static void AssertNeither500NorTimeout(PredictLoad load)
    {
        var unexpected = load.Outcomes.Keys.Except(["200", "503", PredictLoad.ClientFailure]).ToList();
        Assert.True(unexpected.Count == 0, $"unexpected outcomes: {load.Describe()}");
    }

    private static void AssertShuttingDown(string body) =>
        Assert.Equal("shutting down", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
}
