// The column names of the digit-scoring estimator: what a user's own pipeline feeds in and reads out.
using MnistBn.Shared;

namespace MnistBn.Inference;

/// <summary>Input and output columns of <see cref="DigitScoringCatalog.ScoreDigits"/>.</summary>
public static class DigitColumns
{
    /// <summary>Default input column: an <c>MLImage</c> of any size (gray or colour; resized to 28×28).</summary>
    public const string Image = "image";

    /// <summary>Output: float[10], the model's raw scores.</summary>
    public const string Logits = ModelContract.LogitsName;

    /// <summary>Output: float[10], the class probabilities (the model's softmax), in class order.</summary>
    public const string Score = ModelContract.ProbabilitiesName;

    /// <summary>Output: the most probable class's index (int, 0–9).</summary>
    public const string PredictedClass = "PredictedClass";

    /// <summary>Output: the most probable class's label (a string: the model's own, e.g. "7"), ML.NET's usual name.</summary>
    public const string PredictedLabel = "PredictedLabel";
}
