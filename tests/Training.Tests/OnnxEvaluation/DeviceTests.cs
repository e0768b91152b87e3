// The evaluator resolves its device like the classifier (Inference.Tests' DeviceTests): cuda on this
// CPU-only build with fallback disallowed fails with the same DeviceUnavailableException.
using MnistBn.Inference;
using MnistBn.Training.OnnxEvaluation;

namespace MnistBn.Training.Tests.OnnxEvaluation;

public sealed class DeviceTests
{
    [Fact]
    public void Evaluator_with_cuda_and_fallback_disallowed_throws_the_same_error()
    {
        var options = new DigitClassifierOptions { Device = "cuda", AllowCpuFallback = false };
        Assert.Throws<DeviceUnavailableException>(() => ModelEvaluator.Create(FixtureModels.BatchNorm, options));
    }
}
