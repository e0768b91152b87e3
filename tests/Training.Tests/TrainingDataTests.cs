// Data that cannot train or test is an error before training, naming what is at fault, and a NaN loss
// is never a finished epoch. `train --set training.train_subset=1` used to exit 0 after "train loss NaN
// acc NaN" with a checkpoint of an untrained model; a 0-image test file was blamed on the learning rate
// and on "the last good checkpoint", which did not exist.
using System.Security.Cryptography;
using MnistBn.Shared;
using MnistBn.TestSupport;
using MnistBn.Training.Loop;

namespace MnistBn.Training.Tests;

public sealed class TrainingDataTests(TrainingFixture data) : IClassFixture<TrainingFixture>, IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Runs => Path.Combine(_temp.Path, "runs");

    [Fact]
    public async Task Training_set_of_one_image_is_an_error_before_training_and_writes_no_checkpoint()
    {
        await MnistTestData.EnsureAsync();

        var (exitCode, output, error) = CliHarness.RunCapturingOutput(["train", "--variant", "nobn", .. Settings("training.train_subset=1")]);

        Assert.Equal(1, exitCode);
        Assert.Contains("error: the training set holds 1 image(s) (training.train_subset = 1), but a training batch needs at least 2", error);
        Assert.DoesNotContain("NaN", output + error);
        Assert.False(File.Exists(Path.Combine(Runs, "nobn", Checkpoint.FileName)));
    }

    [Fact]
    public async Task Batch_size_of_one_is_an_error_before_training()
    {
        await MnistTestData.EnsureAsync();

        var (exitCode, error) = CliHarness.Run(["train", "--variant", "nobn", .. Settings("training.batch_size=1")]);

        Assert.Equal(1, exitCode);
        Assert.Contains("error: training.batch_size = 1: every batch holds one image", error);
        Assert.False(File.Exists(Path.Combine(Runs, "nobn", Checkpoint.FileName)));
    }

    [Fact]
    public async Task Test_file_with_no_image_is_a_data_error_naming_the_file_not_the_learning_rate()
    {
        var (testImages, settings) = await DataWithAnEmptyTestSplit();

        var (exitCode, error) = CliHarness.Run(["train", "--variant", "nobn", .. Settings(settings)]);

        Assert.Equal(1, exitCode);
        Assert.Contains($"error: {testImages}: the test images file holds 0 images", error);
        Assert.DoesNotContain("learning_rate", error);
        Assert.DoesNotContain("checkpoint", error);
        Assert.False(File.Exists(Path.Combine(Runs, "nobn", Checkpoint.FileName)));
    }

    [Fact]
    public async Task Evaluate_of_a_test_file_with_no_image_is_an_error_naming_it_not_a_report_of_0_percent()
    {
        var (testImages, settings) = await DataWithAnEmptyTestSplit();
        var reports = Path.Combine(_temp.Path, "reports");

        var (exitCode, error) = CliHarness.Run(["evaluate", "--model", Path.Combine(RepositoryPaths.FindRoot(), "models", "lenet-bn.onnx"),
            .. Settings([.. settings, $"report.directory={reports}", "training.test_subset=0"])]);

        Assert.Equal(1, exitCode);
        Assert.Contains($"error: {testImages}: the test images file holds 0 images; there is nothing to evaluate", error);
        Assert.False(Directory.Exists(reports));
    }

    // A data directory with MNIST's training files and well-formed test files of 0 images, and the --set
    // values that point pipeline.yaml at it (their sha256 included, so that they pass verification).
    private async Task<(string TestImages, string[] Settings)> DataWithAnEmptyTestSplit()
    {
        var mnist = await MnistTestData.EnsureAsync();
        var dataDirectory = Path.Combine(_temp.Path, "data");
        Directory.CreateDirectory(dataDirectory);
        foreach (var name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte" })
            File.Copy(Path.Combine(mnist, name), Path.Combine(dataDirectory, name));
        byte[] images = [0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28]; // IDX: ubyte, 3 dimensions: 0 × 28 × 28
        byte[] labels = [0, 0, 8, 1, 0, 0, 0, 0];                           // IDX: ubyte, 1 dimension: 0
        var testImages = Path.Combine(dataDirectory, "t10k-images-idx3-ubyte");
        File.WriteAllBytes(testImages, images);
        File.WriteAllBytes(Path.Combine(dataDirectory, "t10k-labels-idx1-ubyte"), labels);
        return (testImages, [$"data.directory={dataDirectory}", $"data.files.test_images.sha256={Sha256(images)}", $"data.files.test_labels.sha256={Sha256(labels)}"]);
    }

    [Fact]
    public void Loss_that_becomes_nan_in_the_first_epoch_names_the_batch_and_writes_no_checkpoint()
    {
        var config = TrainingFixture.Config(2, Runs);
        var exploding = config with { Training = config.Training with { Optimizer = "sgd", LearningRate = 1e30, SgdMomentum = 0.99 } };

        var error = Assert.Throws<TrainingDivergedException>(() =>
            new Trainer(exploding, data.Train, data.Test, _ => { }).Run("nobn", Runs, resume: false, NoProgress.Instance).Model.Dispose());

        Assert.Matches(@"^nobn: the training loss became (NaN|-?∞|-?Infinity) in batch \d+ of epoch 1; training stopped and epoch 1 was not saved; no checkpoint was written\. ", error.Message);
        Assert.Contains("training.learning_rate", error.Message);
        Assert.False(File.Exists(Path.Combine(Runs, "nobn", Checkpoint.FileName)));
        Assert.False(File.Exists(Path.Combine(Runs, "nobn", TrainingHistory.FileName)));
    }

    private string[] Settings(params string[] extra) =>
    [
        "--config", Path.Combine(RepositoryPaths.FindRoot(), RepositoryPaths.ConfigFileName),
        "--set", $"training.output_directory={Runs}",
        "--set", "training.train_subset=256",
        "--set", "training.test_subset=128",
        "--set", "training.epochs=1",
        .. extra.SelectMany(setting => new[] { "--set", setting }),
    ];

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
