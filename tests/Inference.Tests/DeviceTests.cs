// cuda on this CPU-only build: with fallback allowed the model runs on the CPU and a warning is
// logged; with fallback disallowed creation fails with a clear message. Both are decided by
// DeviceResolver, because ML.NET's own fallback does not cover the CPU package (pinned below). The
// evaluator's case (Training's ModelEvaluator) is in Training.Tests' OnnxEvaluation/DeviceTests.
using Microsoft.ML;
using MnistBn.Inference.Pipeline;
using MnistBn.TestSupport;

namespace MnistBn.Inference.Tests;

public sealed class DeviceTests
{
    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    public async Task Cuda_with_fallback_allowed_runs_on_the_cpu_and_warns(string device)
    {
        var warnings = new List<string>();
        var options = new DigitClassifierOptions { Device = device, AllowCpuFallback = true, Log = warnings.Add };
        using var classifier = DigitClassifier.Create(FixtureModels.BatchNorm, options);
        using var cpu = DigitClassifier.Create(FixtureModels.BatchNorm);
        var image = (await MnistTestData.TestSetAsync()).Image(0);

        Assert.Null(classifier.GpuDeviceId);
        var warning = Assert.Single(warnings);
        Assert.Contains($"device '{device}' is not usable", warning);
        Assert.Contains("falling back to the CPU", warning);
        Assert.Equal(cpu.PredictPixels(image).Probabilities, classifier.PredictPixels(image).Probabilities);
    }

    [Fact]
    public void Cuda_with_fallback_disallowed_throws_a_clear_device_error()
    {
        var options = new DigitClassifierOptions { Device = "cuda:0", AllowCpuFallback = false };
        var error = Assert.Throws<DeviceUnavailableException>(() => DigitClassifier.Create(FixtureModels.BatchNorm, options));
        Assert.Contains("device 'cuda:0' is not usable", error.Message);
        Assert.Contains("reference Microsoft.ML.OnnxRuntime.Gpu 1.32.0 instead of Microsoft.ML.OnnxRuntime", error.Message);
        Assert.Contains("set AllowCpuFallback = true", error.Message);
    }

    [Fact]
    public void Unknown_device_name_is_refused()
    {
        var options = new DigitClassifierOptions { Device = "tpu" };
        var error = Assert.Throws<ArgumentException>(() => DigitClassifier.Create(FixtureModels.BatchNorm, options));
        Assert.Contains("'tpu'", error.Message);
    }

    [Fact]
    public void Cpu_device_logs_nothing()
    {
        var warnings = new List<string>();
        using var classifier = DigitClassifier.Create(FixtureModels.BatchNorm, new DigitClassifierOptions { Log = warnings.Add });
        Assert.Empty(warnings);
        Assert.Null(classifier.GpuDeviceId);
    }

    // Why DeviceResolver exists: with the CPU package, ML.NET's fallbackToCpu does not fall back —
    // the CUDA entry point is missing from libonnxruntime, which is not an OnnxRuntimeException.
    [Fact]
    public void MLNet_own_cuda_fallback_fails_with_the_cpu_package()
    {
        var ml = new MLContext();
        Assert.Throws<EntryPointNotFoundException>(() => ml.Transforms
            .ApplyOnnxModel(FixtureModels.BatchNorm, gpuDeviceId: 0, fallbackToCpu: true)
            .Fit(ml.Data.LoadFromEnumerable(Array.Empty<DigitImageInput>())));
    }
}
