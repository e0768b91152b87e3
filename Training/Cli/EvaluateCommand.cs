// `mnistbn evaluate`: scores the MNIST test set (or a folder of labelled images) through the ML.NET
// pipeline, prints the metrics tables, and writes a JSON report plus a PNG grid of misclassified
// digits into report.directory.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MnistBn.Training.OnnxEvaluation;
using MnistBn.Inference;
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Shared.Data;
using MnistBn.Shared.IO;
using MnistBn.Training.Stages;

namespace MnistBn.Training.Cli;

internal static class EvaluateCommand
{
    private const int GridImages = 100;

    private static readonly Option<FileInfo[]> Models = new("--model")
    {
        Description = "ONNX model to evaluate (repeatable); default: every exported variant in export.directory.",
    };

    private static readonly Option<DirectoryInfo?> ImagesDir = new("--images-dir")
    {
        Description = "Evaluate image files laid out as <dir>/<digit>/<file> instead of the IDX test set; unreadable files are reported and skipped (exit code 1); a folder without a usable image is an error.",
    };

    private static readonly Option<string> Polarity = PolarityOption.Create();

    private static readonly Option<bool> Invert = PolarityOption.CreateInvert();

    public static Command Create()
    {
        var command = new Command("evaluate", "Evaluate exported models through the ML.NET pipeline: accuracy, loss, per-class precision/recall, confusion matrix; writes a JSON report.")
            .WithCommonOptions();
        command.Options.Add(Models);
        command.Options.Add(ImagesDir);
        command.Options.Add(Polarity);
        command.Options.Add(Invert);
        command.SetAction((parse, cancel) => CliErrors.GuardAsync(async () =>
        {
            var (config, root) = CommonOptions.Load(parse);
            var models = InferenceModels.Select(config, root, parse.GetValue(Models), all: true);
            var folder = parse.GetValue(ImagesDir)?.FullName;
            var options = ClassifierOptionsFromConfig.For(config.Evaluation, Console.Error.WriteLine) with
            {
                Polarity = PolarityOption.Of(parse, Polarity, Invert),
            };
            LabeledImages? test = null;
            if (folder is null)
            {
                var dataDir = await new MnistFetcher(config.Data, root, Console.WriteLine).EnsureAsync(cancel);
                test = MnistDataset.LoadTest(dataDir, config.Data.Files).Take(config.Training.TestSubset);
                // Metrics of no image would read as 0% accuracy and loss 0: the file is at fault, so name it.
                if (test.Count == 0)
                    throw new InvalidDataException($"{Path.Combine(dataDir, config.Data.Files.TestImages.Name)}: the test images file holds 0 images; there is nothing to evaluate");
            }
            var paths = new StudyPaths(config, root);
            var reports = paths.ReportDirectory;
            WritableDirectory.Ensure(reports, "report.directory"); // before scoring anything
            // Another evaluate, `run` or `report` writes there too; one writer at a time.
            using var exclusive = DirectoryLock.Acquire(paths.ReportLock);
            var skipped = 0;
            foreach (var modelPath in models)
            {
                // The safe point for Ctrl-C: between models, with every finished model's report written.
                cancel.ThrowIfCancellationRequested();
                using var evaluator = ModelEvaluator.Create(modelPath, options);
                var name = InferenceModels.ShortName(modelPath) + (folder is null ? "" : "-folder");
                var clock = Stopwatch.StartNew();
                EvaluationMetrics metrics;
                IReadOnlyList<BadItem> bad = [];
                Func<int, GrayImage> image;
                string dataset;
                if (folder is null)
                {
                    metrics = evaluator.Evaluate(test!);
                    image = i => new GrayImage(test!.Columns, test.Rows, test.Image(i).ToArray());
                    dataset = Path.Combine(config.Data.Directory, config.Data.Files.TestImages.Name);
                }
                else
                {
                    var result = evaluator.EvaluateFolder(folder);
                    (metrics, bad) = (result.Metrics, result.BadItems);
                    image = i => result.Folder.Images[i];
                    dataset = folder;
                }
                clock.Stop();
                MetricsTable.Print($"{modelPath} on {dataset} ({(evaluator.GpuDeviceId is int id ? $"cuda:{id}" : "cpu")})", metrics, evaluator.ClassLabels, Console.Out);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  scored in {clock.Elapsed.TotalSeconds:F2} s ({metrics.Count / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):F0} images/s, including decoding)"));
                foreach (var item in bad)
                    Console.Error.WriteLine($"  skipped: {item.Problem}");
                skipped = Math.Max(skipped, bad.Count);

                string? grid = null;
                if (metrics.Misclassified.Count > 0)
                {
                    grid = Path.Combine(reports, $"evaluation-{name}-misclassified.png");
                    MisclassifiedGrid.Write(grid, metrics.Misclassified.Select(m => image(m.Index)), columns: 10, maxImages: GridImages);
                }
                // The report lands in report.directory, beside committed artefacts: it records repository-relative paths.
                var report = new EvaluationReport(RepositoryPaths.Portable(root, modelPath), RepositoryPaths.Portable(root, dataset),
                    evaluator.GpuDeviceId is int gpu ? $"cuda:{gpu}" : "cpu", DateTimeOffset.UtcNow, metrics,
                    [.. bad.Select(item => PortableItem(item, folder, root))],
                    grid is null ? null : RepositoryPaths.Portable(root, grid), PipelineConfigJson.Hash(config));
                var reportPath = Path.Combine(reports, $"evaluation-{name}.json");
                report.Write(reportPath);
                Console.WriteLine($"  report: {reportPath}" + (grid is null ? "" : $"\n  misclassified grid (first {GridImages}, in report order): {grid}"));
            }
            if (skipped > 0)
                Console.Error.WriteLine($"error: {skipped} file(s) under {folder} could not be evaluated (listed above as skipped); " +
                    "the reports cover the other images. Exit code 1 says the folder was not evaluated in full.");
            return skipped > 0 ? 1 : 0;
        }, cancel));
        return command;
    }

    // A skipped file is named by its absolute path, and its message names it (and the folder) too.
    private static BadItem PortableItem(BadItem item, string? folder, string root)
    {
        var problem = item.Problem.Replace(item.Path, RepositoryPaths.Portable(root, item.Path), StringComparison.Ordinal);
        if (folder is not null)
            problem = problem.Replace(folder, RepositoryPaths.Portable(root, folder), StringComparison.Ordinal);
        return new BadItem(RepositoryPaths.Portable(root, item.Path), problem);
    }
}
