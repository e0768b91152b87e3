using Microsoft.ML;
using MnistBn.Inference.Pipeline;
using MnistBn.TestSupport;
using Xunit.Abstractions;
namespace MnistBn.Inference.Tests;
public sealed class Probe(ITestOutputHelper output)
{
    [Fact]
    public async Task Probe_behaviour()
    {
        var test = await MnistTestData.TestSetAsync();
        using var classifier = DigitClassifier.Create(FixtureModels.BatchNorm);
        using var direct = new DirectOnnxScorer(FixtureModels.BatchNorm);
        var s = direct.Score(test.Pixels.AsSpan(0, 784 * 5));
        for (int i = 0; i < 5; i++)
        {
            var p = classifier.PredictPixels(test.Image(i));
            var d = s.ProbabilitiesOf(i).ToArray();
            output.WriteLine($"{p.Digit} {s.PredictedClass(i)} maxdiff={p.Probabilities.Zip(d, (a, b) => Math.Abs(a - b)).Max()} {string.Join(",", p.Probabilities.Take(3))}");
        }
        // ML.NET fallback with CPU package
        foreach (var fb in new[] { true, false })
        {
            try
            {
                var ml = new Microsoft.ML.MLContext();
                var est = ml.Transforms.ApplyOnnxModel(FixtureModels.BatchNorm, gpuDeviceId: 0, fallbackToCpu: fb);
                var m = est.Fit(ml.Data.LoadFromEnumerable(Array.Empty<DigitImageInput>()));
                output.WriteLine($"fallback={fb}: ok");
            }
            catch (Exception e) { output.WriteLine($"fallback={fb}: {e.GetType()} {e.Message}"); }
        }
        output.WriteLine(string.Join(",", Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders()));
    }
}
