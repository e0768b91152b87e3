// Keys of the metadata properties every exported ONNX model carries. The exporter writes them and
// the inference side may read them; both take the names from here.
namespace MnistBn.Shared;

/// <summary>ONNX <c>metadata_props</c> keys written by the exporter.</summary>
public static class ModelMetadataKeys
{
    /// <summary>Model variant: <c>bn</c> or <c>nobn</c>.</summary>
    public const string Variant = "variant";

    /// <summary>Data set the model was trained on (<c>MNIST</c>).</summary>
    public const string Dataset = "dataset";

    /// <summary>Input tensor name (from <see cref="ModelContract.InputName"/>).</summary>
    public const string InputName = "input_name";

    /// <summary>Input shape without the batch dimension, e.g. <c>1x28x28</c>.</summary>
    public const string InputShape = "input_shape";

    /// <summary>Pixel offset of the input scaling, invariant-culture float (see <see cref="ModelContract.PixelOffset"/>).</summary>
    public const string PixelOffset = "input_pixel_offset";

    /// <summary>Pixel scale of the input scaling, invariant-culture float (see <see cref="ModelContract.PixelScale"/>).</summary>
    public const string PixelScale = "input_pixel_scale";

    /// <summary>Class labels in output order, as a JSON array of strings.</summary>
    public const string ClassLabels = "class_labels";

    /// <summary><c>true</c> when the graph has no BatchNormalization node (statistics folded into the weights, or the nobn variant).</summary>
    public const string BatchNormFolded = "bn_folded";

    /// <summary>The resolved pipeline configuration that trained the model, as JSON.</summary>
    public const string TrainingConfig = "training_config";

    /// <summary>Test-set metrics of the trained model, as a JSON object of name → number (may be empty).</summary>
    public const string TestMetrics = "test_metrics";
}
