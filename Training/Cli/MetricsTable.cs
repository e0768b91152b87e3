// Prints evaluation metrics as plain-text tables: the summary, per-class precision/recall, and the
// confusion matrix (rows: true digit, columns: predicted digit).
using System.Globalization;
using MnistBn.Training.Evaluation;
using MnistBn.Inference;
using MnistBn.Shared;

namespace MnistBn.Training.Cli;

internal static class MetricsTable
{
    public static void Print(string title, EvaluationMetrics metrics, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(title);
        output.WriteLine(string.Create(c, $"  images {metrics.Count}   accuracy {metrics.Accuracy:F4}   loss (mean cross-entropy) {metrics.MeanCrossEntropy:F4}   misclassified {metrics.Misclassified.Count}"));
        output.WriteLine("  digit  precision  recall  support");
        foreach (var m in metrics.Classes)
            output.WriteLine(string.Create(c, $"  {ModelContract.ClassLabels[m.Digit],5}  {m.Precision,9:F4}  {m.Recall,6:F4}  {m.Support,7}"));
        output.WriteLine("  confusion (rows: true, columns: predicted)");
        output.WriteLine("  true\\pred" + string.Concat(ModelContract.ClassLabels.Select(l => $"{l,6}")));
        for (var t = 0; t < ModelContract.ClassCount; t++)
            output.WriteLine($"  {ModelContract.ClassLabels[t],9}" + string.Concat(metrics.Confusion[t].Select(n => $"{n,6}")));
    }
}
