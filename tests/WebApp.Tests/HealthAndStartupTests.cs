// Liveness, readiness and what the app does at startup: loopback binding, models loaded once,
// a missing or broken model stops it with a message that names the file.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MnistBn.Inference;
using MnistBn.WebApp;

namespace MnistBn.WebApp.Tests;

public sealed class HealthTests(TestAppFixture fixture) : IClassFixture<TestAppFixture>
{
    [Fact]
    public async Task Healthz_is_ok()
    {
        using var response = await fixture.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readyz_is_ready_and_lists_the_models()
    {
        using var response = await fixture.Client.GetAsync("/readyz");
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", json.GetProperty("status").GetString());
        Assert.Equal(["bn", "nobn"], json.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task Models_endpoint_names_the_files_and_device()
    {
        var json = await fixture.Client.GetFromJsonAsync<JsonElement>("/models");

        var bn = json.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "bn");
        Assert.Equal(FixtureModels.BatchNorm, bn.GetProperty("path").GetString());
        Assert.Equal("cpu", bn.GetProperty("device").GetString());
    }

    [Fact]
    public void Models_are_the_inference_librarys_DI_singletons_and_health_checks_are_aspnet_cores()
    {
        var services = fixture.App.Services;
        var bn = services.GetRequiredKeyedService<DigitClassifier>("bn");
        Assert.Same(bn, services.GetRequiredKeyedService<DigitClassifier>("bn"));
        Assert.Equal(FixtureModels.BatchNorm, bn.ModelPath);
        Assert.NotNull(services.GetService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>());
    }

    [Fact]
    public async Task Listens_on_loopback_by_default()
    {
        Assert.Equal("127.0.0.1", fixture.App.Address.Host);
        Assert.Equal("127.0.0.1", new WebAppOptions().Host);
        await Task.CompletedTask;
    }
}

public sealed class StartupTests
{
    [Fact]
    public void Missing_model_stops_startup_naming_the_file()
    {
        var missing = Path.Combine(FixtureModels.TempFolder(), "nope.onnx");

        var error = Assert.Throws<InvalidOperationException>(() => WebAppHost.Build([], Settings(missing)));

        Assert.Contains(missing, error.Message);
        Assert.Contains("model 'bn'", error.Message);
    }

    [Fact]
    public void Model_that_is_not_onnx_stops_startup_naming_the_file()
    {
        var path = Path.Combine(FixtureModels.TempFolder(), "text.onnx");
        File.WriteAllText(path, "not a model");

        var error = Assert.Throws<InvalidOperationException>(() => WebAppHost.Build([], Settings(path)));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Host_that_is_not_an_ip_address_is_refused()
    {
        var settings = Settings(FixtureModels.BatchNorm);
        settings["WebApp:Host"] = "example.org";

        var error = Assert.Throws<InvalidOperationException>(() => WebAppHost.Build([], settings));

        Assert.Contains("WebApp:Host", error.Message);
    }

    [Fact]
    public void Shipped_settings_bind_loopback_and_name_both_models()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        var json = JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("WebApp");

        Assert.Equal("127.0.0.1", json.GetProperty("Host").GetString());
        Assert.Equal(["bn", "nobn"], json.GetProperty("Models").EnumerateObject().Select(p => p.Name));
    }

    private static Dictionary<string, string?> Settings(string bnModel) => new()
    {
        ["WebApp:Port"] = "0",
        ["WebApp:Models:bn"] = bnModel,
        ["WebApp:Models:nobn"] = FixtureModels.NoBatchNorm,
        ["Logging:LogLevel:Default"] = "Warning",
    };
}
