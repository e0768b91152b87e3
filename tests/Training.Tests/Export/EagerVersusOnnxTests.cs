// The regression tests the user named, for every network the exporter is tested on (LeNet nobn, bn,
// bn-after; the paper's MLP; three padded conv blocks): the TorchSharp module in eval mode and its
// exported ONNX file run by ONNX Runtime agree on real MNIST test images and on random inputs
// (max |Δ| ≤ 1e-5 on probabilities, ≤ 1e-4 on logits, identical argmax), folded and unfolded. The
// module goes through the exporter package's ExportOnnx, as `mnistbn export` and a user's model do.
using MnistBn.Network.Onnx;
using MnistBn.Shared;
using MnistBn.Training.Model;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests.Export;

public sealed class EagerVersusOnnxTests(TrainedNetworks models, ITestOutputHelper output) : IClassFixture<TrainedNetworks>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mnistbn-eager-").FullName;

    public static TheoryData<string, bool> NetworksFoldedAndNot
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var name in FixtureNetworks.Names)
            {
                data.Add(name, true);
                if (FixtureNetworks.ByName(name).HasBatchNorm)
                    data.Add(name, false);
            }
            return data;
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [MemberData(nameof(NetworksFoldedAndNot))]
    public void Exported_model_matches_eager_on_real_test_images(string name, bool fold)
    {
        var images = models.TestImages;
        AssertMatchesEager(name, fold, TrainedNetworks.Pixels(images, 0, images.Count), images.Count, $"{images.Count} test images");
    }

    [Theory]
    [InlineData("lenet-bn", 1)]
    [InlineData("lenet-bn", 64)]
    [InlineData("lenet-nobn", 64)]
    [InlineData("conv3-bn", 64)]
    public void Folded_model_matches_eager_on_random_inputs(string name, int batch)
    {
        AssertMatchesEager(name, fold: true, OutputComparison.RandomPixels(seed: 21, batch), batch, $"{batch} random inputs");
    }

    [Theory]
    [InlineData("lenet-bn")]
    [InlineData("mlp-bn")]
    [InlineData("conv3-bn")]
    public void Trained_networks_have_running_statistics_away_from_their_initial_values(string name)
    {
        // Guards the tests above: with untouched statistics (mean 0, var 1) folding would be nearly trivial.
        var model = models.Model(name);
        Assert.NotEmpty(model.BatchNorms);
        Assert.All(model.BatchNorms, norm =>
        {
            Assert.True(norm.RunningMean.abs().max().item<float>() > 0.05f, $"{norm.GetName()}: running mean still ≈ 0");
            Assert.True((norm.RunningVar - 1).abs().max().item<float>() > 0.05f, $"{norm.GetName()}: running var still ≈ 1");
        });
    }

    private void AssertMatchesEager(string name, bool fold, float[] pixels, int batch, string what)
    {
        var model = models.Model(name);
        var path = StudyModuleExport.Write(model, Path.Combine(_directory, StudyExport.FileName(name, fold)), fold);

        using var runner = new OnnxRunner(path);
        var onnx = runner.Run(pixels, batch);
        var (logits, probabilities) = Eager(model, pixels, batch);

        var logitDiff = OutputComparison.MaxAbsDiff(logits, onnx.Logits);
        var probabilityDiff = OutputComparison.MaxAbsDiff(probabilities, onnx.Probabilities);
        output.WriteLine($"{name} ({(fold ? "folded" : "unfolded")}), {what}: max |Δlogit| = {logitDiff:E2}, max |Δprobability| = {probabilityDiff:E2}");
        Assert.True(logitDiff <= 1e-4f, $"max |Δlogit| = {logitDiff}");
        Assert.True(probabilityDiff <= 1e-5f, $"max |Δprobability| = {probabilityDiff}");
        Assert.Equal(OutputComparison.ArgMax(logits, ModelContract.ClassCount), OutputComparison.ArgMax(onnx.Logits, ModelContract.ClassCount));
    }

    private static (float[] Logits, float[] Probabilities) Eager(NetworkModule model, float[] pixels, int batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = model.call(tensor(pixels, ModelContract.InputShape(batch)));
        var probabilities = nn.functional.softmax(logits, 1);
        return (logits.data<float>().ToArray(), probabilities.data<float>().ToArray());
    }
}
