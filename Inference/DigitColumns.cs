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

    /// <summary>Output: float[10], the class probabilities (the model's softmax), in class order: ML.NET's score column.</summary>
    public const string Score = "Score";

    /// <summary>Output: the most probable class's index (int, 0–9).</summary>
    public const string PredictedClass = "PredictedClass";

    /// <summary>
    /// Output: the most probable class as a key, as ML.NET's trainers produce it: key value k + 1 is class k, and
    /// the key values' names are the model's class labels ("0"–"9"). <c>MapKeyToValue</c> turns it into the label text.
    /// </summary>
    public const string PredictedLabel = "PredictedLabel";
}
