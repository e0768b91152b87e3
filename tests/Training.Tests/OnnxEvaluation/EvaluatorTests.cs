// Batch evaluation on real MNIST test images: the metrics are internally consistent, equal those
// computed from direct ONNX Runtime scores, and a folder run skips bad files and goes on.
using MnistBn.Inference;
using MnistBn.Shared;
using MnistBn.TestSupport;
using MnistBn.Training.OnnxEvaluation;
using SkiaSharp;

namespace MnistBn.Training.Tests.OnnxEvaluation;

public sealed class EvaluatorTests
{
    private const int Images = 500;

    [Fact]
    public async Task Confusion_matrix_sums_to_n_and_accuracy_is_its_trace_over_n()
    {
        var test = (await MnistTestData.TestSetAsync()).Take(Images);
        using var evaluator = ModelEvaluator.Create(FixtureModels.NoBatchNorm);
        var metrics = evaluator.Evaluate(test);

        Assert.Equal(Images, metrics.Count);
        Assert.Equal(Images, metrics.Confusion.Sum(row => row.Sum()));
        var trace = Enumerable.Range(0, ModelContract.ClassCount).Sum(d => metrics.Confusion[d][d]);
        Assert.Equal((double)trace / Images, metrics.Accuracy, 12);
        Assert.Equal(Images - trace, metrics.Misclassified.Count);
        for (var d = 0; d < ModelContract.ClassCount; d++)
        {
            Assert.Equal(test.Labels.Count(l => l == d), metrics.Classes[d].Support);
            Assert.Equal(metrics.Confusion[d].Sum(), metrics.Classes[d].Support);
            Assert.InRange(metrics.Classes[d].Precision, 0, 1);
            Assert.InRange(metrics.Classes[d].Recall, 0, 1);
        }
        Assert.All(metrics.Misclassified, m =>
        {
            Assert.Equal(test.Labels[m.Index], m.TrueLabel);
            Assert.NotEqual(m.TrueLabel, m.Predicted);
        });
        Assert.True(metrics.MeanCrossEntropy > 0 && double.IsFinite(metrics.MeanCrossEntropy));
    }

    [Fact]
    public async Task Metrics_through_ml_net_equal_metrics_from_direct_onnx_runtime()
    {
        var test = (await MnistTestData.TestSetAsync()).Take(Images);
        using var evaluator = ModelEvaluator.Create(FixtureModels.BatchNorm);
        using var direct = new DirectOnnxScorer(FixtureModels.BatchNorm);
        var viaMlNet = evaluator.Evaluate(test);
        var viaOrt = EvaluationMetrics.Compute(test.Labels, direct.Score(test.Pixels));
        Assert.Equal(viaOrt.Accuracy, viaMlNet.Accuracy);
        Assert.Equal(viaOrt.MeanCrossEntropy, viaMlNet.MeanCrossEntropy, 6);
        Assert.Equal(viaOrt.Confusion, viaMlNet.Confusion);
    }

    [Fact]
    public void Cross_entropy_is_the_log_softmax_of_the_label_and_stays_finite_for_confident_mistakes()
    {
        var scores = new ScoredBatch(2);
        scores.Logits[0] = 1f; // row 0: logits (1, 0, …, 0), label 0
        scores.Probabilities[0] = 1f;
        scores.Logits[10 + 1] = 200f; // row 1: very confident 1, label 0
        scores.Probabilities[10 + 1] = 1f;
        var metrics = EvaluationMetrics.Compute([0, 0], scores);
        var row0 = -(1 - Math.Log(Math.E + 9));
        Assert.Equal((row0 + 200) / 2, metrics.MeanCrossEntropy, 9);
        Assert.Equal(0.5, metrics.Accuracy);
        Assert.Equal(1.0, metrics.Classes[0].Precision);
        Assert.Equal(0.5, metrics.Classes[0].Recall);
        Assert.Equal(0.0, metrics.Classes[1].Precision);
    }

    [Fact]
    public async Task Folder_evaluation_reports_bad_files_and_scores_the_rest()
    {
        var test = await MnistTestData.TestSetAsync();
        var root = FixtureModels.TempFolder();
        for (var i = 0; i < 12; i++)
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, test.Labels[i].ToString())).FullName;
            File.WriteAllBytes(Path.Combine(folder, $"test{i:D2}.png"), TestImages.GrayPng(test.Image(i)));
        }
        File.WriteAllText(Path.Combine(root, "7", "notes.txt"), "not an image");
        File.WriteAllBytes(Path.Combine(root, "7", "empty.png"), []);
        File.WriteAllBytes(Path.Combine(root, "loose.png"), TestImages.GrayPng(test.Image(0)));
        Directory.CreateDirectory(Path.Combine(root, "misc"));
        File.WriteAllBytes(Path.Combine(root, "misc", "x.png"), TestImages.GrayPng(test.Image(0)));

        using var evaluator = ModelEvaluator.Create(FixtureModels.BatchNorm);
        var result = evaluator.EvaluateFolder(root);

        Assert.Equal(12, result.Metrics.Count);
        Assert.Equal(4, result.BadItems.Count);
        Assert.Contains(result.BadItems, b => b.Path.EndsWith("notes.txt") && b.Problem.Contains("not a recognised image"));
        Assert.Contains(result.BadItems, b => b.Path.EndsWith("empty.png") && b.Problem.Contains("empty"));
        Assert.Contains(result.BadItems, b => b.Path.EndsWith("loose.png") && b.Problem.Contains("no label"));
        Assert.Contains(result.BadItems, b => b.Path.EndsWith("x.png") && b.Problem.Contains("no label"));

        // The same 12 digits as raw IDX rows score identically.
        var direct = evaluator.Evaluate(test.Take(12));
        Assert.Equal(direct.Accuracy, result.Metrics.Accuracy);
        Assert.All(result.Metrics.Misclassified, m => Assert.NotNull(m.Source));
    }

    [Fact]
    public void Missing_folder_throws_directory_not_found_naming_it()
    {
        using var evaluator = ModelEvaluator.Create(FixtureModels.BatchNorm);
        var path = Path.Combine(FixtureModels.TempFolder(), "absent");
        var error = Assert.Throws<DirectoryNotFoundException>(() => evaluator.EvaluateFolder(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Empty_folder_is_an_error_not_an_evaluation_of_nothing()
    {
        using var evaluator = ModelEvaluator.Create(FixtureModels.BatchNorm);
        var folder = FixtureModels.TempFolder();
        Directory.CreateDirectory(Path.Combine(folder, "3"));

        var error = Assert.Throws<FileNotFoundException>(() => evaluator.EvaluateFolder(folder));

        Assert.Equal($"{folder}: the folder holds no files; expected <folder>/<digit>/<image file>", error.Message);
    }

    [Fact]
    public void Folder_where_every_file_is_skipped_is_an_error_listing_them()
    {
        using var evaluator = ModelEvaluator.Create(FixtureModels.BatchNorm);
        var folder = FixtureModels.TempFolder();
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(folder, "4")).FullName, "notes.png"), "text");
        File.WriteAllBytes(Path.Combine(folder, "loose.png"), []);

        var error = Assert.Throws<InvalidDataException>(() => evaluator.EvaluateFolder(folder));

        Assert.StartsWith($"{folder}: none of its 2 files is a usable image:", error.Message);
        Assert.Contains("notes.png: not a recognised image", error.Message);
        Assert.Contains("loose.png: no label", error.Message);
    }

    [Fact]
    public void File_given_as_the_folder_is_reported_as_a_file()
    {
        using var evaluator = ModelEvaluator.Create(FixtureModels.BatchNorm);
        var error = Assert.Throws<DirectoryNotFoundException>(() => evaluator.EvaluateFolder(FixtureModels.BatchNorm));
        Assert.StartsWith($"{FixtureModels.BatchNorm}: is a file, not an image folder", error.Message);
    }

    [Fact]
    public async Task Report_and_misclassified_grid_are_written_and_read_back()
    {
        var test = (await MnistTestData.TestSetAsync()).Take(100);
        using var evaluator = ModelEvaluator.Create(FixtureModels.BatchNorm);
        var metrics = evaluator.Evaluate(test);
        var folder = FixtureModels.TempFolder();
        var gridPath = Path.Combine(folder, "grid.png");
        var tiles = MisclassifiedGrid.Write(gridPath,
            metrics.Misclassified.Select(m => new GrayImage(28, 28, test.Image(m.Index).ToArray())), columns: 10, maxImages: 30);
        var report = new EvaluationReport(evaluator.ModelPath, "test", "cpu", DateTimeOffset.UtcNow, metrics, [], gridPath, null);
        var reportPath = Path.Combine(folder, "report.json");
        report.Write(reportPath);

        Assert.Equal(Math.Min(30, metrics.Misclassified.Count), tiles);
        using (var bitmap = SKBitmap.Decode(gridPath))
        {
            Assert.Equal(2 + Math.Min(10, tiles) * (MisclassifiedGrid.Tile + 2), bitmap.Width);
            Assert.Equal(2 + (tiles + 9) / 10 * (MisclassifiedGrid.Tile + 2), bitmap.Height);
        }
        var back = EvaluationReport.Read(reportPath);
        Assert.Equal(metrics.Accuracy, back.Metrics.Accuracy);
        Assert.Equal(metrics.Confusion, back.Metrics.Confusion);
        Assert.Equal(metrics.Misclassified.Count, back.Metrics.Misclassified.Count);
        Assert.Single(Directory.GetFiles(folder, "*.json")); // no temp file left behind
    }
}
