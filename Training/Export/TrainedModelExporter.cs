// The export step of the pipeline: a trained LeNet → lenet-<variant>.onnx (BatchNorm folded) in
// export.directory, plus lenet-<variant>-unfolded.onnx when pipeline.yaml (fold_batch_norm: false)
// or the caller asks for the unfolded graph too. Used by `mnistbn export` and after training.
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Model;

namespace MnistBn.Training.Export;

/// <summary>Writes the ONNX files of one trained model where pipeline.yaml says.</summary>
public static class TrainedModelExporter
{
    /// <summary>
    /// Exports <paramref name="model"/> (which must be in eval mode with tracked statistics) and returns
    /// the paths written. <paramref name="trainingConfigJson"/> is the config that trained the model
    /// (from its checkpoint); <paramref name="testMetrics"/> may be empty.
    /// </summary>
    public static IReadOnlyList<string> Export(
        LeNet model,
        PipelineConfig config,
        string repositoryRoot,
        string trainingConfigJson,
        IReadOnlyDictionary<string, double> testMetrics,
        bool alsoUnfolded = false)
    {
        var weights = LeNetWeights.FromModel(model);
        var directory = RepositoryPaths.Resolve(repositoryRoot, config.Export.Directory);
        var metadata = new OnnxExportMetadata(trainingConfigJson, testMetrics);
        var written = new List<string>();
        // The folded graph is the deliverable; the unfolded one exists to verify the folding.
        foreach (var fold in alsoUnfolded || !config.Export.FoldBatchNorm ? new[] { true, false } : [true])
        {
            var path = Path.Combine(directory, LeNetOnnxExporter.FileName(model.Variant, fold));
            written.Add(LeNetOnnxExporter.Export(weights, path, new OnnxExportOptions(config.Export.Opset, fold), metadata));
        }
        return written;
    }
}
