// The regression tests the user named: for each variant, the TorchSharp model in eval mode and the
// exported ONNX file run by ONNX Runtime agree on real MNIST test images and on random inputs
// (max |Δ| ≤ 1e-5 on probabilities, ≤ 1e-4 on logits, identical argmax).
using MnistBn.Shared;
using MnistBn.Training.Export;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests.Export;

public sealed class EagerVersusOnnxTests(TrainedLeNets models, ITestOutputHelper output) : IClassFixture<TrainedLeNets>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mnistbn-eager-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("bn", true)]
    [InlineData("bn", false)]
    [InlineData("nobn", true)]
    public void Exported_model_matches_eager_on_real_test_images(string variant, bool fold)
    {
        var images = models.TestImages;
        AssertMatchesEager(variant, fold, TrainedLeNets.Pixels(images, 0, images.Count), images.Count, $"{images.Count} test images");
    }

    [Theory]
    [InlineData("bn", 1)]
    [InlineData("bn", 64)]
    [InlineData("nobn", 64)]
    public void Folded_model_matches_eager_on_random_inputs(string variant, int batch)
    {
        AssertMatchesEager(variant, fold: true, OutputComparison.RandomPixels(seed: 21, batch), batch, $"{batch} random inputs");
    }

    [Fact]
    public void Trained_bn_model_has_running_statistics_away_from_their_initial_values()
    {
        // Guards the tests above: with untouched statistics (mean 0, var 1) folding would be nearly trivial.
        var weights = LeNetWeights.FromModel(models.WithBatchNorm);
        Assert.All(weights.Layers.Take(4), layer =>
        {
            Assert.True(layer.BatchNorm!.RunningMean.Max(MathF.Abs) > 0.05f, "running mean still ≈ 0");
            Assert.True(layer.BatchNorm.RunningVar.Max(v => MathF.Abs(v - 1)) > 0.05f, "running var still ≈ 1");
        });
    }

    private void AssertMatchesEager(string variant, bool fold, float[] pixels, int batch, string what)
    {
        var model = models.Model(variant);
        var path = LeNetOnnxExporter.Export(LeNetWeights.FromModel(model), Path.Combine(_directory, LeNetOnnxExporter.FileName(variant, fold)),
            new OnnxExportOptions(FoldBatchNorm: fold), ExportTestConfig.Metadata());

        using var runner = new OnnxRunner(path);
        var onnx = runner.Run(pixels, batch);
        var (logits, probabilities) = Eager(model, pixels, batch);

        var logitDiff = OutputComparison.MaxAbsDiff(logits, onnx.Logits);
        var probabilityDiff = OutputComparison.MaxAbsDiff(probabilities, onnx.Probabilities);
        output.WriteLine($"{variant} ({(fold ? "folded" : "unfolded")}), {what}: max |Δlogit| = {logitDiff:E2}, max |Δprobability| = {probabilityDiff:E2}");
        Assert.True(logitDiff <= 1e-4f, $"max |Δlogit| = {logitDiff}");
        Assert.True(probabilityDiff <= 1e-5f, $"max |Δprobability| = {probabilityDiff}");
        Assert.Equal(OutputComparison.ArgMax(logits, ModelContract.ClassCount), OutputComparison.ArgMax(onnx.Logits, ModelContract.ClassCount));
    }

    private static (float[] Logits, float[] Probabilities) Eager(Model.NetworkModule model, float[] pixels, int batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = model.call(tensor(pixels, ModelContract.InputShape(batch)));
        var probabilities = nn.functional.softmax(logits, 1);
        return (logits.data<float>().ToArray(), probabilities.data<float>().ToArray());
    }
}
