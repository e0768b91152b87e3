// Small real-MNIST subsets as tensors, shared by the training-loop tests (read once per class).
using MnistBn.Shared.Configuration;
using MnistBn.Shared.Data;
using MnistBn.TestSupport;
using MnistBn.Training.Data;

namespace MnistBn.Training.Tests;

public sealed class TrainingFixture : IDisposable
{
    public const int TrainImages = 1024;
    public const int TestImages = 512;

    public TrainingFixture()
    {
        var directory = MnistTestData.EnsureAsync().GetAwaiter().GetResult();
        var data = MnistDataset.Load(directory, MnistTestData.Config.Data.Files);
        Train = MnistTensors.From(data.Train, TrainImages);
        Test = MnistTensors.From(data.Test, TestImages);
    }

    public MnistTensors Train { get; }

    public MnistTensors Test { get; }

    /// <summary>
    /// The repository's config with a small, fast training section (augmentation on, 2 threads).
    /// BN momentum 0.1: with the study's 0.01 the running statistics of 16 batches are still mostly
    /// their initial values, and eval-mode accuracy says nothing about learning.
    /// </summary>
    public static PipelineConfig Config(int epochs, string outputDirectory) =>
        MnistTestData.Config with
        {
            Model = MnistTestData.Config.Model with { BatchNorm = MnistTestData.Config.Model.BatchNorm with { Momentum = 0.1 } },
            Training = MnistTestData.Config.Training with
            {
                Epochs = epochs,
                BatchSize = 64,
                Threads = 2,
                TrainSubset = TrainImages,
                TestSubset = TestImages,
                OutputDirectory = outputDirectory,
            },
        };

    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}

/// <summary>A temporary directory removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("mnistbn-train-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
