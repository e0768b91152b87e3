// What a caller chooses about the written model: opset, folding, tensor names, an optional softmax
// output, class labels and free-form metadata. Nothing here assumes a data set: the study passes its
// MNIST contract through these same options.
namespace MnistBn.OnnxExport;

/// <summary>Settings of one ONNX export.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>Lowest opset written: Softmax-13 normalises one axis, Gemm's C input is optional, Clip takes min/max as inputs.</summary>
    public const int MinimumOpset = 13;

    /// <summary>Highest opset written (ONNX Runtime 1.31 runs it).</summary>
    public const int MaximumOpset = 21;

    /// <summary>Metadata keys the exporter writes itself; <see cref="Metadata"/> may not use them.</summary>
    public static readonly IReadOnlyList<string> ReservedMetadataKeys = [InputNameKey, InputShapeKey, ClassLabelsKey, BatchNormFoldedKey];

    internal const string InputNameKey = "input_name";
    internal const string InputShapeKey = "input_shape";
    internal const string ClassLabelsKey = "class_labels";
    internal const string BatchNormFoldedKey = "bn_folded";

    /// <summary>ONNX default-domain opset, <see cref="MinimumOpset"/> to <see cref="MaximumOpset"/>.</summary>
    public int Opset { get; init; } = MinimumOpset;

    /// <summary>True: every BatchNorm that directly follows a conv/linear layer (and is its only reader) is folded into it.</summary>
    public bool FoldBatchNorm { get; init; } = true;

    /// <summary>The input tensor's name.</summary>
    public string InputName { get; init; } = "input";

    /// <summary>The output tensor's name (logits, for a classifier).</summary>
    public string OutputName { get; init; } = "output";

    /// <summary>When set, a Softmax over axis 1 of the output is added as a second output of this name.</summary>
    public string? ProbabilitiesName { get; init; }

    /// <summary>The batch dimension's symbolic name.</summary>
    public string BatchDimension { get; init; } = "batch";

    /// <summary>Class labels in output order, written as JSON under <c>class_labels</c>; must match the output's size.</summary>
    public IReadOnlyList<string>? ClassLabels { get; init; }

    /// <summary>More metadata_props (provenance, preprocessing, metrics), written after the exporter's own keys.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The graph's name (in the file and in the default doc string); null keeps the front end's (e.g. the module's name).</summary>
    public string? GraphName { get; init; }

    /// <summary>Written as producer_name.</summary>
    public string ProducerName { get; init; } = "MnistBn.OnnxExport";

    /// <summary>The model's doc_string; null writes the graph's name and what became of its BatchNorms.</summary>
    public string? DocString { get; init; }

    /// <summary>
    /// The IR version that goes with the opset: 8 through opset 18 (what ONNX Runtime 1.31 and the ONNX
    /// checker expect for the default opset 13), 9 for 19–20, 10 for 21.
    /// </summary>
    public long IrVersion => Opset switch
    {
        <= 18 => 8,
        <= 20 => 9,
        _ => 10,
    };

    internal void Validate()
    {
        if (Opset is < MinimumOpset or > MaximumOpset)
            throw new ArgumentOutOfRangeException(nameof(Opset), Opset, $"ONNX export: opset must be in [{MinimumOpset}, {MaximumOpset}]");
        foreach (var (what, name) in new[] { ("InputName", InputName), ("OutputName", OutputName), ("BatchDimension", BatchDimension) })
        {
            if (string.IsNullOrWhiteSpace(name))
                throw new ArgumentException($"ONNX export: {what} must not be empty", what);
        }
        var names = new[] { InputName, OutputName, ProbabilitiesName }.OfType<string>().ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new ArgumentException($"ONNX export: the input and output names must differ, got {string.Join(", ", names.Select(n => $"'{n}'"))}");
        var reserved = Metadata.Keys.FirstOrDefault(ReservedMetadataKeys.Contains);
        if (reserved is not null)
            throw new ArgumentException($"ONNX export: the metadata key '{reserved}' is written by the exporter itself; set it through the options", nameof(Metadata));
    }
}
