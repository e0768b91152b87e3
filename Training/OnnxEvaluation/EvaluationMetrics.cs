// Classification metrics from labels and scores: accuracy, mean cross-entropy, confusion matrix,
// per-class precision/recall and the misclassified examples. Pure arithmetic, shared by the ML.NET
// and direct ONNX Runtime scorers.
using MnistBn.Inference;
using MnistBn.Shared;

namespace MnistBn.Training.OnnxEvaluation;

/// <summary>One wrongly classified image.</summary>
/// <param name="Index">Position in the evaluated set (IDX row, or position among the folder's readable images).</param>
/// <param name="TrueLabel">The correct digit.</param>
/// <param name="Predicted">The predicted digit.</param>
/// <param name="Probability">The probability the model gave its (wrong) prediction.</param>
/// <param name="Source">The image file, for folder evaluation; null for IDX rows.</param>
internal sealed record MisclassifiedExample(int Index, int TrueLabel, int Predicted, float Probability, string? Source = null);

/// <summary>Precision and recall of one class.</summary>
/// <param name="Digit">The class.</param>
/// <param name="Precision">Of the images predicted as this class, the fraction that are (0 when none were predicted).</param>
/// <param name="Recall">Of the images of this class, the fraction predicted as such (0 when there are none).</param>
/// <param name="Support">How many images of this class were evaluated.</param>
internal sealed record ClassMetrics(int Digit, double Precision, double Recall, int Support);

/// <summary>Metrics of one model on one labelled set.</summary>
/// <param name="Count">Images evaluated.</param>
/// <param name="Accuracy">Fraction classified correctly (trace of the confusion matrix / Count).</param>
/// <param name="MeanCrossEntropy">Mean −log softmax(logits)[label], computed stably from the logits.</param>
/// <param name="Confusion">Confusion[true][predicted] counts, 10×10.</param>
/// <param name="Classes">Per-class precision and recall, digits 0–9.</param>
/// <param name="Misclassified">Every misclassified image, in index order.</param>
internal sealed record EvaluationMetrics(
    int Count,
    double Accuracy,
    double MeanCrossEntropy,
    int[][] Confusion,
    IReadOnlyList<ClassMetrics> Classes,
    IReadOnlyList<MisclassifiedExample> Misclassified)
{
    /// <summary>Computes the metrics of <paramref name="scores"/> against <paramref name="labels"/>.</summary>
    /// <param name="labels">One label (0–9) per scored image.</param>
    /// <param name="scores">The model's outputs.</param>
    /// <param name="sources">Optional file name per image, copied into the misclassified examples.</param>
    /// <exception cref="ArgumentException">The counts differ or a label is not a digit.</exception>
    public static EvaluationMetrics Compute(ReadOnlySpan<byte> labels, ScoredBatch scores, IReadOnlyList<string>? sources = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (labels.Length != scores.Count)
            throw new ArgumentException($"{labels.Length} labels for {scores.Count} scored images", nameof(labels));
        const int k = ModelContract.ClassCount;
        var confusion = Enumerable.Range(0, k).Select(_ => new int[k]).ToArray();
        var misclassified = new List<MisclassifiedExample>();
        var loss = 0.0;
        for (var i = 0; i < labels.Length; i++)
        {
            int label = labels[i];
            if (label >= k)
                throw new ArgumentException($"label {label} at index {i} is not a digit", nameof(labels));
            var predicted = scores.PredictedClass(i);
            confusion[label][predicted]++;
            loss += CrossEntropy(scores.LogitsOf(i), label);
            if (predicted != label)
                misclassified.Add(new MisclassifiedExample(i, label, predicted, scores.ProbabilitiesOf(i)[predicted], sources?[i]));
        }
        var count = labels.Length;
        var correct = Enumerable.Range(0, k).Sum(d => confusion[d][d]);
        var classes = Enumerable.Range(0, k).Select(d =>
        {
            var support = confusion[d].Sum();
            var predictedAs = confusion.Sum(row => row[d]);
            return new ClassMetrics(d,
                predictedAs == 0 ? 0 : (double)confusion[d][d] / predictedAs,
                support == 0 ? 0 : (double)confusion[d][d] / support,
                support);
        }).ToArray();
        return new EvaluationMetrics(count,
            count == 0 ? 0 : (double)correct / count,
            count == 0 ? 0 : loss / count,
            confusion, classes, misclassified);
    }

    // log-sum-exp shifted by the maximum: a confident wrong prediction gives a large finite loss,
    // where −log of an underflowed softmax probability would give infinity.
    private static double CrossEntropy(ReadOnlySpan<float> logits, int label)
    {
        double max = logits[0];
        foreach (var z in logits)
            max = Math.Max(max, z);
        var sum = 0.0;
        foreach (var z in logits)
            sum += Math.Exp(z - max);
        return max + Math.Log(sum) - logits[label];
    }
}
