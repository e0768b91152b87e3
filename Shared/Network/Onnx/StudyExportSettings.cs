// What pipeline.yaml's export section decides about a study model file: the opset and whether
// BatchNorm is folded. StudyExport turns it, with the model's provenance, into the exporter's options.
namespace MnistBn.Network.Onnx;

/// <summary>The study's export choices.</summary>
/// <param name="Opset">ONNX default-domain opset (13 to 21).</param>
/// <param name="FoldBatchNorm">True: no BatchNormalization node where BN directly follows a conv/linear layer.</param>
public sealed record StudyExportSettings(int Opset = 13, bool FoldBatchNorm = true);
