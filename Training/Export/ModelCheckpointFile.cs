// Reads a trained LeNet back from a TorchSharp state file (Module.save) for export, in eval mode.
// The default location is the one place that knows where training leaves its checkpoints; it must
// agree with the training loop's writer.
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Model;

namespace MnistBn.Training.Export;

/// <summary>Loads LeNet checkpoints for export.</summary>
public static class ModelCheckpointFile
{
    /// <summary>Where training leaves the final model of <paramref name="variant"/>: <c>&lt;training.output_directory&gt;/&lt;variant&gt;/model.bin</c>.</summary>
    public static string DefaultPath(PipelineConfig config, string repositoryRoot, string variant) =>
        Path.Combine(RepositoryPaths.Resolve(repositoryRoot, config.Training.OutputDirectory), variant, "model.bin");

    /// <summary>A LeNet of <paramref name="variant"/> with the state in <paramref name="path"/>, in eval mode.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a LeNet state of that variant.</exception>
    public static LeNet Load(string path, string variant, BatchNormConfig batchNorm)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no trained {variant} checkpoint here; train first (mnistbn train) or pass --checkpoint", path);
        var model = new LeNet($"lenet-{variant}", ModelVariants.UsesBatchNorm(variant), batchNorm);
        try
        {
            model.load(path, strict: true);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            model.Dispose();
            // TorchSharp reports a wrong file as a bare ArgumentException or IOException; name the file and the expectation.
            throw new InvalidDataException($"{path}: not a saved LeNet ({variant}) state: {error.Message}", error);
        }
        model.eval();
        return model;
    }
}
