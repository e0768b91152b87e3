// services.AddDigitClassifier in a real generic host: one singleton per model, loaded at start,
// settings validated at start with a message that names what to fix, disposed with the host.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MnistBn.Shared;

namespace MnistBn.Inference.Tests;

public sealed class DependencyInjectionTests
{
    private static IHost Build(Action<IServiceCollection> register)
    {
        var builder = Host.CreateApplicationBuilder();
        register(builder.Services);
        return builder.Build();
    }

    [Fact]
    public async Task Registered_classifier_is_one_singleton_that_predicts_and_is_disposed_with_the_host()
    {
        DigitClassifier classifier;
        using (var host = Build(s => s.AddDigitClassifier(o => o.ModelPath = FixtureModels.BatchNorm)))
        {
            await host.StartAsync();
            classifier = host.Services.GetRequiredService<DigitClassifier>();
            Assert.Same(classifier, host.Services.GetRequiredService<DigitClassifier>());
            Assert.Equal(FixtureModels.BatchNorm, classifier.ModelPath);
            Assert.Equal(ModelContract.ClassCount, classifier.PredictPixels(new byte[ModelContract.PixelCount]).Probabilities.Count);
            await host.StopAsync();
        }
        Assert.Throws<ObjectDisposedException>(() => classifier.PredictPixels(new byte[ModelContract.PixelCount]));
    }

    [Fact]
    public async Task Named_classifiers_are_keyed_services_with_their_own_models()
    {
        using var host = Build(s => s
            .AddDigitClassifier("bn", o => o.ModelPath = FixtureModels.BatchNorm)
            .AddDigitClassifier("nobn", o => o.ModelPath = FixtureModels.NoBatchNorm));
        await host.StartAsync();

        Assert.Equal(FixtureModels.BatchNorm, host.Services.GetRequiredKeyedService<DigitClassifier>("bn").ModelPath);
        Assert.Equal(FixtureModels.NoBatchNorm, host.Services.GetRequiredKeyedService<DigitClassifier>("nobn").ModelPath);
        await host.StopAsync();
    }

    [Fact]
    public async Task Missing_model_stops_the_host_at_start_naming_the_file()
    {
        var missing = Path.Combine(FixtureModels.TempFolder(), "absent.onnx");
        using var host = Build(s => s.AddDigitClassifier("bn", o => o.ModelPath = missing));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal($"digit classifier 'bn': model file not found: {missing} (ModelPath '{missing}')", error.Message);
    }

    [Fact]
    public async Task Every_named_model_loads_at_start_so_a_broken_second_one_stops_the_host()
    {
        var broken = Path.Combine(FixtureModels.TempFolder(), "broken.onnx");
        File.WriteAllText(broken, "not a model");
        using var host = Build(s => s
            .AddDigitClassifier("bn", o => o.ModelPath = FixtureModels.BatchNorm)
            .AddDigitClassifier("broken", o => o.ModelPath = broken));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => host.StartAsync());

        Assert.Contains(broken, error.Message);
    }

    [Fact]
    public async Task Unknown_device_stops_the_host_at_start_naming_the_accepted_devices()
    {
        using var host = Build(s => s.AddDigitClassifier(o => { o.ModelPath = FixtureModels.BatchNorm; o.Device = "gpu"; }));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal("the digit classifier: Device 'gpu' is not a device; use cpu, cuda or cuda:<id>", error.Message);
    }

    [Fact]
    public async Task Unset_model_path_is_a_startup_error()
    {
        using var host = Build(s => s.AddDigitClassifier(_ => { }));
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("ModelPath is not set", error.Message);
    }
}
