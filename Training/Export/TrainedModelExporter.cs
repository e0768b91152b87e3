// The export step of the pipeline: a trained LeNet → lenet-<variant>.onnx (BatchNorm folded) in
// export.directory, plus lenet-<variant>-unfolded.onnx when pipeline.yaml (fold_batch_norm: false)
// or the caller asks for the unfolded graph too. Used by `mnistbn export` and after training. The
// export itself is the exporter package's trace of the module's plain Sequential view and its writer,
// exactly what a TorchSharp user's module.ExportOnnx runs; this file adds the study's options
// (StudyExport) and says where the files go.
using MnistBn.Network.Onnx;
using MnistBn.OnnxExport;
using MnistBn.OnnxExport.TorchSharp;
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Loop;
using MnistBn.Training.Model;

namespace MnistBn.Training.Export;

/// <summary>Writes the ONNX files of one trained model where pipeline.yaml says.</summary>
public static class TrainedModelExporter
{
    /// <summary>Metadata keys of the eager test metrics recorded from the checkpoint's last epoch.</summary>
    public const string EagerTestLoss = "eager_test_loss";

    /// <inheritdoc cref="EagerTestLoss"/>
    public const string EagerTestAccuracy = "eager_test_accuracy";

    /// <summary>Where training leaves the checkpoint of <paramref name="variant"/>.</summary>
    public static string DefaultCheckpoint(PipelineConfig config, string repositoryRoot, string variant) =>
        Path.Combine(Trainer.VariantDirectory(RepositoryPaths.Resolve(repositoryRoot, config.Training.OutputDirectory), variant), Checkpoint.FileName);

    /// <summary>
    /// Exports the model saved in a training checkpoint, with the checkpoint's own training config and
    /// its last epoch's eager test metrics as metadata. Returns the variant and the paths written.
    /// <paramref name="beforeWriting"/> runs once the model is loaded and traced, just before the first file is
    /// written (where the caller takes its lock on export.directory, so that a failed export leaves nothing).
    /// </summary>
    /// <exception cref="FileNotFoundException">No checkpoint at <paramref name="checkpointPath"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, or holds no finished epoch.</exception>
    public static (string Variant, IReadOnlyList<string> Written) ExportCheckpoint(
        string checkpointPath, PipelineConfig config, string repositoryRoot, bool alsoUnfolded = false, Action? beforeWriting = null)
    {
        if (!File.Exists(checkpointPath))
            throw new FileNotFoundException($"{checkpointPath}: no trained checkpoint here; train first (mnistbn train) or pass --checkpoint", checkpointPath);
        var (model, header) = Checkpoint.LoadModel(checkpointPath);
        using (model)
        {
            if (header.History.Count == 0)
                throw new InvalidDataException($"{checkpointPath}: the checkpoint holds no finished epoch");
            var last = header.History[^1];
            var metrics = new Dictionary<string, double> { [EagerTestLoss] = last.TestLoss, [EagerTestAccuracy] = last.TestAccuracy };
            return (header.Variant, Export(header.Variant, model, config, repositoryRoot, header.ConfigJson, metrics, alsoUnfolded, beforeWriting));
        }
    }

    /// <summary>
    /// Exports <paramref name="model"/> (which must be in eval mode with tracked statistics) and returns
    /// the paths written. <paramref name="trainingConfigJson"/> is the config that trained the model
    /// (from its checkpoint); <paramref name="testMetrics"/> may be empty; <paramref name="beforeWriting"/> runs just
    /// before the first file is written.
    /// </summary>
    public static IReadOnlyList<string> Export(
        string variant,
        NetworkModule model,
        PipelineConfig config,
        string repositoryRoot,
        string trainingConfigJson,
        IReadOnlyDictionary<string, double> testMetrics,
        bool alsoUnfolded = false,
        Action? beforeWriting = null)
    {
        RequireTrackedStatistics(model);
        var directory = RepositoryPaths.Resolve(repositoryRoot, config.Export.Directory);
        // The data set is the one that trained the model (its checkpoint's config), not today's.
        var trainedOn = PipelineConfigJson.Deserialize(trainingConfigJson).Data;
        var metadata = new OnnxExportMetadata(variant, trainingConfigJson, testMetrics) { Dataset = trainedOn.Name, ClassLabels = trainedOn.ClassLabels };
        var inputShape = model.Description.InputShape.Select(d => (long)d).ToArray();
        // Not disposed: the view shares (and would dispose) the model's own conv, linear and BatchNorm modules.
        // One trace for both files, so the folded and unfolded graphs come from the same graph.
        var graph = model.ExportView().ToExportGraph(inputShape);
        var written = new List<string>();
        beforeWriting?.Invoke();
        // The folded graph is the deliverable; the unfolded one exists to verify the folding.
        foreach (var fold in alsoUnfolded || !config.Export.FoldBatchNorm ? new[] { true, false } : [true])
        {
            var path = Path.Combine(directory, StudyExport.FileName(model.Description.Name, fold));
            var options = StudyExport.Options(new StudyExportSettings(config.Export.Opset, fold), metadata) with { GraphName = model.Description.Name };
            written.Add(OnnxModelWriter.Write(graph, path, options));
        }
        return written;
    }

    // Running statistics that never moved (mean 0, variance 1) would export a BatchNorm that does nothing.
    internal static void RequireTrackedStatistics(NetworkModule model)
    {
        var untrained = model.BatchNorms.FirstOrDefault(norm => norm.NumBatchesTracked.item<long>() == 0);
        if (untrained is not null)
            throw new InvalidDataException(
                $"Cannot export {model.Description.Name}: {untrained.GetName()} has never tracked statistics (num_batches_tracked = 0); train the model (or load a trained checkpoint) before exporting");
    }
}
