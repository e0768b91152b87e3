// The study's model files as the exporter writes them: the model contract's tensor names (input,
// logits, a probabilities Softmax), its pixel scaling and labels, and the provenance the ML.NET side
// and the report read (variant, data set, training config, test metrics). The one place these options
// are made, for the description path (OnnxExporter) and the trained-module path (Training) alike.
using System.Globalization;
using System.Text.Json;
using MnistBn.OnnxExport;
using MnistBn.Shared;

namespace MnistBn.Network.Onnx;

/// <summary>Exporter options for a study model.</summary>
public static class StudyExport
{
    /// <summary>Written as the study models' producer_name.</summary>
    public const string ProducerName = "mnistbn";

    /// <summary><c>&lt;network&gt;.onnx</c>, or <c>&lt;network&gt;-unfolded.onnx</c> for the unfolded graph (e.g. <c>lenet-bn.onnx</c>).</summary>
    public static string FileName(string networkName, bool foldBatchNorm) =>
        foldBatchNorm ? $"{networkName}.onnx" : $"{networkName}-unfolded.onnx";

    /// <summary>The options that write a study model with <paramref name="metadata"/>.</summary>
    public static OnnxExportOptions Options(StudyExportSettings settings, OnnxExportMetadata metadata) => new()
    {
        Opset = settings.Opset,
        FoldBatchNorm = settings.FoldBatchNorm,
        InputName = ModelContract.InputName,
        OutputName = ModelContract.LogitsName,
        ProbabilitiesName = ModelContract.ProbabilitiesName,
        BatchDimension = ModelContract.BatchDimension,
        ClassLabels = metadata.ClassLabels,
        ProducerName = ProducerName,
        Metadata = new Dictionary<string, string>
        {
            [ModelMetadataKeys.Variant] = metadata.Variant,
            [ModelMetadataKeys.Dataset] = metadata.Dataset,
            // "R" keeps every bit of the float, so a reader reproduces the training-time scaling exactly.
            [ModelMetadataKeys.PixelOffset] = ModelContract.PixelOffset.ToString("R", CultureInfo.InvariantCulture),
            [ModelMetadataKeys.PixelScale] = ModelContract.PixelScale.ToString("R", CultureInfo.InvariantCulture),
            [ModelMetadataKeys.TrainingConfig] = metadata.TrainingConfigJson,
            [ModelMetadataKeys.TestMetrics] = JsonSerializer.Serialize(metadata.TestMetrics),
        },
    };
}
