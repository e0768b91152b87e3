// Prints evaluation metrics as plain-text tables: the summary, per-class precision/recall, and the
// confusion matrix (rows: true class, columns: predicted class), with the model's class labels.
using System.Globalization;
using MnistBn.Training.OnnxEvaluation;
using MnistBn.Inference;
using MnistBn.Shared;

namespace MnistBn.Training.Cli;

internal static class MetricsTable
{
    public static void Print(string title, EvaluationMetrics metrics, IReadOnlyList<string> labels, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(title);
        output.WriteLine(string.Create(c, $"  images {metrics.Count}   accuracy {metrics.Accuracy:F4}   loss (mean cross-entropy) {metrics.MeanCrossEntropy:F4}   misclassified {metrics.Misclassified.Count}"));
        var width = Math.Max(6, labels.Max(l => l.Length) + 1); // a column per class
        var rowWidth = Math.Max(9, width);                        // the row labels, and "true\pred"
        output.WriteLine($"  {"class".PadLeft(rowWidth)}  precision  recall  support");
        foreach (var m in metrics.Classes)
            output.WriteLine(string.Create(c, $"  {labels[m.Digit].PadLeft(rowWidth)}  {m.Precision,9:F4}  {m.Recall,6:F4}  {m.Support,7}"));
        output.WriteLine("  confusion (rows: true, columns: predicted)");
        output.WriteLine($"  {"true\\pred".PadLeft(rowWidth)}" + string.Concat(labels.Select(l => l.PadLeft(width))));
        for (var t = 0; t < labels.Count; t++)
            output.WriteLine($"  {labels[t].PadLeft(rowWidth)}" + string.Concat(metrics.Confusion[t].Select(n => n.ToString(CultureInfo.InvariantCulture).PadLeft(width))));
    }
}
