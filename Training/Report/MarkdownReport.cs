// Renders the study report as Markdown that reads well on a code host. All numbers come from the
// StudyReport record (also written as JSON), and image links are relative to the report folder.
using System.Globalization;
using System.Text;
using MnistBn.Shared;
using MnistBn.Shared.Configuration;

namespace MnistBn.Training.Report;

internal static class MarkdownReport
{
    /// <param name="root">The repository root that the record's paths are relative to.</param>
    public static string Render(StudyReport report, string reportDirectory, string root)
    {
        var md = new StringBuilder();
        var data = PipelineConfigJson.Deserialize(report.ConfigJson).Data;
        md.AppendLine($"# Batch Normalization on {data.Name}: LeNet with and without BN").AppendLine();
        md.AppendLine($"Produced by `{report.Command}` on {report.CreatedUtc:yyyy-MM-dd HH:mm} UTC " +
                      $"(that invocation took {Seconds(report.TotalSeconds)}; stages already up to date are skipped, so training times " +
                      $"below come from the training histories); config hash `{report.ConfigHash}`.").AppendLine();
        AppendResults(md, report, data);
        AppendSetup(md, report);
        AppendPlots(md);
        AppendHistory(md, report);
        foreach (var variant in report.Variants)
            AppendVariant(md, variant, reportDirectory, root, data);
        AppendExperimentsLink(md, reportDirectory);
        AppendMachine(md, report.Machine);
        return md.ToString();
    }

    // The reference study's columns appear only for its own data set: its numbers say nothing about another.
    private static void AppendResults(StringBuilder md, StudyReport report, DataConfig data)
    {
        md.AppendLine("## Results").AppendLine();
        var testCount = report.Variants.Count > 0 ? report.Variants[0].OnnxMlNet.Count : 0;
        var study = data.IsStudyDataset;
        md.AppendLine($"Test set: {testCount:N0} {data.Name} test images. *Eager* is the TorchSharp model in eval mode; *ONNX/ML.NET* is the " +
                      "exported file (BN folded) scored through the ML.NET pipeline that apps embed." +
                      (study ? " The reference study (Keras, same LeNet, 20 epochs, batch 128) published the last three columns." : "")).AppendLine();
        md.AppendLine("| variant | training time | test loss (eager) | test accuracy (eager) | test loss (ONNX/ML.NET) | test accuracy (ONNX/ML.NET) | eager ≠ ONNX |" +
                      (study ? " reference time | reference loss | reference accuracy |" : ""));
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |" + (study ? " ---: | ---: | ---: |" : ""));
        foreach (var v in report.Variants)
        {
            var row = $"| {Label(v.Variant)} | {Seconds(v.TrainingSeconds)} | {F(v.Eager.Loss, 4)} | {Percent(v.Eager.Accuracy)} | " +
                      $"{F(v.OnnxMlNet.Loss, 4)} | {Percent(v.OnnxMlNet.Accuracy)} | {v.Disagreements} of {v.OnnxMlNet.Count:N0} |";
            if (study)
            {
                var reference = ReferenceStudy.For(v.Variant);
                row += $" {(reference is null ? "–" : Seconds(reference.TrainingSeconds))} | {(reference is null ? "–" : F(reference.TestLoss, 4))} | " +
                       $"{(reference is null ? "–" : Percent(reference.TestAccuracy))} |";
            }
            md.AppendLine(row);
        }
        md.AppendLine();
    }

    private static void AppendPlots(StringBuilder md)
    {
        md.AppendLine("## Training curves").AppendLine();
        md.AppendLine($"![test accuracy per epoch, zoomed]({ReportFiles.TestAccuracyPlot}.png)").AppendLine();
        md.AppendLine("Solid: training set (augmented, running average over the epoch); dashed: test set after the epoch. " +
                      "The first chart zooms into the test accuracy; SVG versions sit beside the PNGs.").AppendLine();
        md.AppendLine($"![accuracy per epoch]({ReportFiles.AccuracyPlot}.png)").AppendLine();
        md.AppendLine($"![loss per epoch]({ReportFiles.LossPlot}.png)").AppendLine();
    }

    private static void AppendHistory(StringBuilder md, StudyReport report)
    {
        md.AppendLine("### Test accuracy per epoch").AppendLine();
        md.AppendLine("| epoch | " + string.Join(" | ", report.Variants.Select(v => Label(v.Variant))) + " |");
        md.AppendLine("| ---: | " + string.Join(" | ", report.Variants.Select(_ => "---:")) + " |");
        var epochs = report.Variants.Max(v => v.History.Count);
        for (var e = 0; e < epochs; e++)
        {
            var cells = report.Variants.Select(v => e < v.History.Count ? Percent(v.History[e].TestAccuracy) : "");
            md.AppendLine($"| {e + 1} | {string.Join(" | ", cells)} |");
        }
        md.AppendLine();
    }

    private static void AppendVariant(StringBuilder md, VariantReport v, string reportDirectory, string root, DataConfig data)
    {
        var labels = data.ClassLabels;
        var thing = data.IsStudyDataset ? "digit" : "class";
        md.AppendLine($"## {Label(v.Variant)}: ONNX/ML.NET evaluation").AppendLine();
        md.AppendLine($"Model: `{v.ModelPath}`. Confusion matrix (rows: true {thing}, columns: predicted):").AppendLine();
        md.AppendLine("| true \\ predicted | " + string.Join(" | ", labels) + " | recall |");
        md.AppendLine("| ---: | " + string.Join(" | ", Enumerable.Range(0, labels.Count + 1).Select(_ => "---:")) + " |");
        for (var row = 0; row < v.ConfusionMatrix.Length; row++)
        {
            var cells = v.ConfusionMatrix[row].Select((n, col) => col == row ? $"**{n}**" : n.ToString(CultureInfo.InvariantCulture));
            md.AppendLine($"| {labels[row]} | {string.Join(" | ", cells)} | {Percent(v.PerClass[row].Recall)} |");
        }
        md.AppendLine("| precision | " + string.Join(" | ", v.PerClass.Select(c => Percent(c.Precision))) + " | |");
        md.AppendLine();
        if (v.MisclassifiedGridPath is not null)
        {
            var relative = ImageLink(v.MisclassifiedGridPath, reportDirectory, root);
            var images = data.IsStudyDataset ? "digits" : "images";
            md.AppendLine($"Misclassified test {images} ({v.Misclassified.Count} shown), tile by tile as *true → predicted*:").AppendLine();
            md.AppendLine($"![misclassified {images}, {v.Variant}]({relative})").AppendLine();
            AppendTileLegend(md, v.Misclassified, data.ClassLabels);
        }
    }

    // The record holds the grid's path relative to the repository; a grid outside it keeps only its
    // name in the record, and is linked by that name: the study writes it beside the report.
    private static string ImageLink(string recordedPath, string reportDirectory, string root) =>
        RepositoryPaths.IsOutside(recordedPath)
            ? recordedPath[RepositoryPaths.OutsidePrefix.Length..]
            : Path.GetRelativePath(reportDirectory, RepositoryPaths.Resolve(root, recordedPath)).Replace('\\', '/');

    // A table laid out like the grid (10 tiles a row) so each tile's labels sit where the tile does.
    private static void AppendTileLegend(StringBuilder md, IReadOnlyList<MisclassifiedReport> tiles, IReadOnlyList<string> labels)
    {
        const int columns = 10;
        if (tiles.Count == 0)
            return;
        md.AppendLine("| " + string.Join(" | ", Enumerable.Range(1, columns).Select(c => $"col {c}")) + " |");
        md.AppendLine("|" + string.Concat(Enumerable.Repeat(" :---: |", columns)));
        for (var start = 0; start < tiles.Count; start += columns)
        {
            var cells = tiles.Skip(start).Take(columns).Select(t => $"{labels[t.TrueLabel]} → {labels[t.Predicted]}").ToList();
            cells.AddRange(Enumerable.Repeat("", columns - cells.Count));
            md.AppendLine("| " + string.Join(" | ", cells) + " |");
        }
        md.AppendLine();
    }

    // The settings a reader needs to judge the numbers, from the config that produced them.
    private static void AppendSetup(StringBuilder md, StudyReport report)
    {
        var config = MnistBn.Shared.Configuration.PipelineConfigJson.Deserialize(report.ConfigJson);
        var t = config.Training;
        var a = t.Augmentation;
        md.AppendLine("## Setup").AppendLine();
        md.AppendLine($"- LeNet (conv3×3 6 → pool → conv3×3 16 → pool → FC120 → FC84 → FC10); `bn` puts the hand-written BatchNorm " +
                      $"before every hidden ReLU (momentum {F(config.Model.BatchNorm.Momentum, 2)} in PyTorch's convention = Keras's " +
                      $"{F(1 - config.Model.BatchNorm.Momentum, 2)}, ε {config.Model.BatchNorm.Epsilon.ToString(CultureInfo.InvariantCulture)}).");
        md.AppendLine($"- {t.Epochs} epochs, batch {t.BatchSize}, {t.Optimizer} learning rate {t.LearningRate.ToString(CultureInfo.InvariantCulture)} " +
                      $"× {t.LearningRateDecay.ToString(CultureInfo.InvariantCulture)} per epoch, seed {t.Seed}, " +
                      $"{(t.TrainSubset > 0 ? $"first {t.TrainSubset:N0}" : "all")} training images.");
        md.AppendLine(a.Enabled
            ? $"- Augmentation per batch: rotation ±{F(a.RotationDegrees, 1)}°, shear ±{F(a.ShearDegrees, 1)}°, zoom ±{F(a.Zoom, 2)}, shift ±{F(a.Shift, 2)} of the size."
            : "- No augmentation.");
        var m = report.Machine;
        md.AppendLine($"- Trained on {m.Processor}, instruction set {m.InstructionSet ?? "not recorded"}, {m.TrainingThreads} training thread{(m.TrainingThreads == 1 ? "" : "s")} " +
                      $"({m.LogicalCores} logical cores). The same code, seed and thread count reproduce these numbers bit for bit only on " +
                      "the same instruction set: on another one (AVX2 instead of AVX-512, say) floats round differently and the results differ " +
                      "in the last digits.");
        md.AppendLine();
    }

    // The experiments (`mnistbn experiment`) write their own pages beside this report; link them when present.
    private static void AppendExperimentsLink(StringBuilder md, string reportDirectory)
    {
        if (!File.Exists(Path.Combine(reportDirectory, ReportFiles.ExperimentsIndex)))
            return;
        md.AppendLine("## Beyond the reference: the paper's claims").AppendLine();
        md.AppendLine($"Learning-rate tolerance, steps to 98%/99%, internal covariate shift (Figure 1) and BN placement: [{ReportFiles.ExperimentsIndex}]({ReportFiles.ExperimentsIndex}).").AppendLine();
    }

    private static void AppendMachine(StringBuilder md, MachineInfo machine)
    {
        md.AppendLine("## Machine").AppendLine();
        md.AppendLine($"- {machine.Processor}, instruction set {machine.InstructionSet ?? "not recorded"}, {machine.LogicalCores} logical cores, training threads: {machine.TrainingThreads} (each batch split over them, one TorchSharp thread each)");
        md.AppendLine($"- {machine.OperatingSystem}, {machine.DotNet}");
        md.AppendLine("- " + string.Join(", ", machine.Packages.Select(p => $"{p.Key} {p.Value}")));
        md.AppendLine();
        md.AppendLine($"The full resolved configuration is in `{ReportFiles.Json}`.");
    }

    public static string Label(string variant) => variant switch
    {
        VariantNames.BatchNorm => "with BN",
        VariantNames.NoBatchNorm => "without BN",
        _ => variant,
    };

    private static string F(double value, int digits) => value.ToString("F" + digits, CultureInfo.InvariantCulture);

    public static string Percent(double fraction) => (fraction * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";

    public static string Seconds(double seconds) =>
        seconds >= 60
            ? $"{(int)(seconds / 60)}:{(seconds % 60).ToString("00.0", CultureInfo.InvariantCulture)} min"
            : seconds.ToString("F1", CultureInfo.InvariantCulture) + " s";
}
