// What the exporter records about where a model came from: its variant, the config that trained it
// and how it scored. Written into the ONNX file's metadata_props next to the model contract.
namespace MnistBn.Network.Onnx;

/// <summary>Provenance written into the model file.</summary>
/// <param name="Variant">The model variant (VariantNames), e.g. <c>bn</c>.</param>
/// <param name="TrainingConfigJson">The resolved pipeline config (PipelineConfigJson.Serialize).</param>
/// <param name="TestMetrics">Test-set metrics, e.g. accuracy and loss; may be empty.</param>
public sealed record OnnxExportMetadata(string Variant, string TrainingConfigJson, IReadOnlyDictionary<string, double> TestMetrics)
{
    /// <summary>The data set the model was trained on.</summary>
    public string Dataset { get; init; } = Shared.Configuration.DataConfig.StudyDataset;

    /// <summary>Class labels in output order.</summary>
    public IReadOnlyList<string> ClassLabels { get; init; } = Shared.ModelContract.ClassLabels;

    /// <summary>Metadata with a config and no metrics.</summary>
    public static OnnxExportMetadata WithoutMetrics(string variant, string trainingConfigJson) =>
        new(variant, trainingConfigJson, new Dictionary<string, double>());
}
