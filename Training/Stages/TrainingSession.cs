// What the training commands share: TorchSharp loaded through the remedy, verified MNIST read once
// into tensors, the variants to train and the output directory.
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Shared.Data;
using MnistBn.Training.Data;
using MnistBn.Training.Model;
using MnistBn.Training.Runtime;

namespace MnistBn.Training.Stages;

internal sealed class TrainingSession : IDisposable
{
    private TrainingSession(MnistTensors train, MnistTensors test, LabeledImages testImages)
    {
        Train = train;
        Test = test;
        TestImages = testImages;
    }

    public MnistTensors Train { get; }

    public MnistTensors Test { get; }

    /// <summary>The same test images as <see cref="Test"/>, as bytes (for scoring through ML.NET).</summary>
    public LabeledImages TestImages { get; }

    /// <summary>Loads TorchSharp and the verified MNIST tensors; <paramref name="log"/> gets the runtime and fetch messages.</summary>
    public static async Task<TrainingSession> OpenAsync(PipelineConfig config, string root, Action<string> log, CancellationToken cancellationToken)
    {
        TorchSharpRuntime.EnsureLoaded(log);
        var directory = await new MnistFetcher(config.Data, root, log).EnsureAsync(cancellationToken);
        var data = MnistDataset.Load(directory, config.Data.Files);
        RequireImages(data.Train, Path.Combine(directory, config.Data.Files.TrainImages.Name), "training");
        RequireImages(data.Test, Path.Combine(directory, config.Data.Files.TestImages.Name), "test");
        return new TrainingSession(
            MnistTensors.From(data.Train, config.Training.TrainSubset),
            MnistTensors.From(data.Test, config.Training.TestSubset),
            data.Test.Take(config.Training.TestSubset));
    }

    // An IDX file may well say it holds no image; training or testing on it would only give NaN metrics,
    // and those would be blamed on the learning rate. The file is at fault, so the error names it.
    private static void RequireImages(LabeledImages split, string imagesPath, string role)
    {
        if (split.Count == 0)
            throw new InvalidDataException($"{imagesPath}: the {role} images file holds 0 images; nothing can be {(role == "test" ? "tested" : "trained")} on it " +
                "(check data.files and data.directory)");
    }

    /// <summary>The one variant asked for, or every variant in pipeline.yaml's order.</summary>
    public static IReadOnlyList<string> Variants(PipelineConfig config, string? only)
    {
        if (only is null)
            return config.Model.Variants;
        StudyModel.RequireStudyVariant(only);
        return [only];
    }

    public static string OutputDirectory(PipelineConfig config, string root) =>
        RepositoryPaths.Resolve(root, config.Training.OutputDirectory);

    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
