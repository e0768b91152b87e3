// The ML.NET output row. Column names and widths come from the model contract, never literals.
using Microsoft.ML.Data;
using MnistBn.Shared;

namespace MnistBn.Inference.Pipeline;

/// <summary>The model's two outputs for one image.</summary>
internal sealed class DigitScores
{
    /// <summary>Raw scores before softmax (kept for a numerically stable cross-entropy).</summary>
    [ColumnName(ModelContract.LogitsName)]
    [VectorType(ModelContract.ClassCount)]
    public float[] Logits { get; set; } = [];

    /// <summary>Softmax of the logits, as computed inside the model.</summary>
    [ColumnName(ModelContract.ProbabilitiesName)]
    [VectorType(ModelContract.ClassCount)]
    public float[] Probabilities { get; set; } = [];
}
