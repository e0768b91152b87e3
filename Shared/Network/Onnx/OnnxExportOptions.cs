// How a network graph is written: which opset, and whether BatchNorm is folded into the weights.
namespace MnistBn.Network.Onnx;

/// <summary>Export settings (pipeline.yaml's <c>export</c> section supplies the opset).</summary>
/// <param name="Opset">ONNX default-domain opset, 13 to 21.</param>
/// <param name="FoldBatchNorm">True: no BatchNormalization node (weights folded). False: BatchNormalization nodes in inference form.</param>
public sealed record OnnxExportOptions(int Opset = 13, bool FoldBatchNorm = true)
{
    /// <summary>Lowest opset written: Softmax-13 normalises one axis, Gemm's C input is optional.</summary>
    public const int MinimumOpset = 13;

    /// <summary>Highest opset written (ONNX Runtime 1.31 runs it).</summary>
    public const int MaximumOpset = 21;

    /// <summary>
    /// The IR version that goes with the opset: 8 through opset 18 (what ONNX Runtime 1.31 and the
    /// ONNX checker expect for the default opset 13), 9 for 19–20, 10 for 21.
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
    }
}
