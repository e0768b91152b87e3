// `mnistbn export` end to end: a saved TorchSharp state → ONNX files in export.directory that ONNX
// Runtime runs and that match the eager model; bad checkpoints fail with one clear line.
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Export;
using MnistBn.Training.Loop;
using MnistBn.Training.Model;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests.Export;

public sealed class ExportCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mnistbn-export-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Export_of_a_bn_checkpoint_writes_folded_and_unfolded_models_that_match_eager()
    {
        using var model = SavedBnCheckpoint(out var checkpoint);
        var models = Path.Combine(_directory, "models");

        var (exitCode, error) = Run("export", "--checkpoint", checkpoint, "--unfolded", "--set", $"export.directory={models}");

        Assert.True(exitCode == 0, error);
        Assert.Equal(["lenet-bn-unfolded.onnx", "lenet-bn.onnx"], Directory.GetFiles(models).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var pixels = OutputComparison.RandomPixels(4, 5);
        float[] eager;
        using (NewDisposeScope())
        using (no_grad())
            eager = model.call(tensor(pixels, ModelContract.InputShape(5))).data<float>().ToArray();
        foreach (var file in Directory.GetFiles(models))
        {
            using var runner = new OnnxRunner(file);
            Assert.True(OutputComparison.MaxAbsDiff(eager, runner.Run(pixels, 5).Logits) <= 1e-4f, file);
            Assert.Equal("bn", runner.CustomMetadata[ModelMetadataKeys.Variant]);
            Assert.Contains(TrainedModelExporter.EagerTestAccuracy, runner.CustomMetadata[ModelMetadataKeys.TestMetrics]);
        }
    }

    [Fact]
    public void Missing_checkpoint_fails_with_a_message_naming_it()
    {
        var missing = Path.Combine(_directory, "nope.bin");

        var (exitCode, error) = Run("export", "--checkpoint", missing, "--set", $"export.directory={_directory}");

        Assert.Equal(1, exitCode);
        Assert.Contains($"{missing}: no trained checkpoint here", error);
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void File_that_is_not_a_checkpoint_fails_clearly_and_writes_nothing()
    {
        var bogus = Path.Combine(_directory, "bogus.bin");
        File.WriteAllText(bogus, "not a checkpoint");
        var models = Path.Combine(_directory, "models");

        var (exitCode, error) = Run("export", "--checkpoint", bogus, "--set", $"export.directory={models}");

        Assert.Equal(1, exitCode);
        Assert.Contains($"{bogus}: not a {Checkpoint.FormatName} file", error);
        Assert.False(Directory.Exists(models));
    }

    private NetworkModule SavedBnCheckpoint(out string checkpoint)
    {
        manual_seed(9);
        var repository = MnistBn.TestSupport.MnistTestData.Config;
        var config = repository with { Model = repository.Model with { BatchNorm = new BatchNormConfig(0.1, 1e-3) } };
        var model = TestNetworks.LeNet("bn", config.Model.BatchNorm);
        model.train();
        using (NewDisposeScope())
        using (no_grad())
        {
            for (var i = 0; i < 3; i++)
                model.call(rand(16, 1, 28, 28));
        }
        model.eval();
        checkpoint = Path.Combine(_directory, "checkpoint.bin");
        using var optimizer = optim.Adam(model.parameters());
        var history = new[] { new EpochMetrics(1, 0.5, 0.8, 0.4, 0.85, 1, 0.1, 1000) };
        Checkpoint.Save(checkpoint, new CheckpointHeader(Checkpoint.FormatName, "bn", 1, PipelineConfigJson.Serialize(config), history), model, optimizer);
        return model;
    }

    private static (int ExitCode, string Error) Run(params string[] args) => CliHarness.Run(args);
}
