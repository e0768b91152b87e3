// Writes the report folder: study.json, README.md, and the accuracy/loss plots (PNG + SVG).
using System.Text.Json;
using MnistBn.Shared.IO;

namespace MnistBn.Training.Report;

internal static class ReportWriter
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>Writes every report file into <paramref name="directory"/>; returns the Markdown path.</summary>
    /// <param name="root">The repository root that the report's recorded paths are relative to.</param>
    public static string Write(StudyReport report, string directory, string root)
    {
        Directory.CreateDirectory(directory);
        WriteCharts(report, directory);
        AtomicFile.WriteAllText(Path.Combine(directory, ReportFiles.Json), JsonSerializer.Serialize(report, JsonOptions));
        var markdown = Path.Combine(directory, ReportFiles.Markdown);
        AtomicFile.WriteAllText(markdown, MarkdownReport.Render(report, directory, root));
        return markdown;
    }

    /// <summary>Reads a report written by <see cref="Write"/>.</summary>
    public static StudyReport Read(string directory)
    {
        var path = Path.Combine(directory, ReportFiles.Json);
        return JsonSerializer.Deserialize<StudyReport>(BoundedFile.ReadAllText(path, ReadLimits.JsonBytes, "a study report (JSON)"), JsonOptions)
            ?? throw new InvalidDataException($"{path}: empty report");
    }

    private static void WriteCharts(StudyReport report, string directory)
    {
        ChartSeries[] Curves(Func<EpochReport, double> train, Func<EpochReport, double> test) =>
        [
            .. report.Variants.SelectMany(v => new[]
            {
                new ChartSeries($"{MarkdownReport.Label(v.Variant)}, train", v.History.Select(train).ToList()),
                new ChartSeries($"{MarkdownReport.Label(v.Variant)}, test", v.History.Select(test).ToList(), Dashed: true),
            }),
        ];
        LineChart.Write("Accuracy per epoch", "accuracy", Curves(e => e.TrainAccuracy, e => e.TestAccuracy),
            Path.Combine(directory, ReportFiles.AccuracyPlot));
        LineChart.Write("Cross-entropy loss per epoch", "loss", Curves(e => e.TrainLoss, e => e.TestLoss),
            Path.Combine(directory, ReportFiles.LossPlot));

        // The test curves alone, from 97% up: where the two variants actually differ.
        ChartSeries[] testOnly = [.. report.Variants.Select((v, i) => new ChartSeries(MarkdownReport.Label(v.Variant), v.History.Select(e => e.TestAccuracy).ToList(), Color: i))];
        var lowest = testOnly.SelectMany(s => s.Values).DefaultIfEmpty(1).Min();
        LineChart.Write("Test accuracy per epoch (zoomed)", "test accuracy", testOnly,
            Path.Combine(directory, ReportFiles.TestAccuracyPlot), yMinimum: Math.Max(0.97, Math.Floor(lowest * 200) / 200));
    }
}
