// `mnistbn report` (ReportRefresh): records written with absolute paths of another checkout come back
// with repository-relative ones, and the report is rendered again from them, without training.
using MnistBn.Training.OnnxEvaluation;
using MnistBn.Inference;
using MnistBn.Shared;
using MnistBn.TestSupport;
using MnistBn.Training.Stages;
using MnistBn.Training.Report;
using MnistBn.Training.Tests.Report;

namespace MnistBn.Training.Tests.Stages;

public sealed class ReportRefreshTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    // Where the old records were written: another checkout, on another machine.
    private static readonly string OldRoot = Path.Combine(Path.GetTempPath(), "elsewhere", "checkout");

    [Fact]
    public void Old_records_come_back_with_paths_relative_to_the_repository()
    {
        var config = MnistTestData.Config with { Model = MnistTestData.Config.Model with { Variants = ["bn"] } };
        var paths = new StudyPaths(config, _temp.Path);
        var old = ReportWriterTests.Sample(gridPath: Path.Combine(OldRoot, "reports", "misclassified-bn.png")) with
        {
            Command = $"mnistbn run --config {Path.Combine(OldRoot, "pipeline.yaml")}",
        };
        ReportWriter.Write(old, paths.ReportDirectory, OldRoot);
        Directory.CreateDirectory(paths.ModelsDirectory);
        var confusion = Enumerable.Range(0, 10).Select(r => Enumerable.Range(0, 10).Select(c => r == c ? 1 : 0).ToArray()).ToArray();
        var metrics = new EvaluationMetrics(10, 1, 0.01, confusion, [.. Enumerable.Range(0, 10).Select(d => new ClassMetrics(d, 1, 1, 1))], []);
        new VariantEvaluation("bn", Path.Combine(OldRoot, "models", "lenet-bn.onnx"), new TestMetrics(0.01, 1, 10), metrics, 0, []).Save(paths.Metrics("bn"));

        ReportRefresh.Run(config, _temp.Path, OldRoot);

        Assert.Equal("models/lenet-bn.onnx", VariantEvaluation.Load(paths.Metrics("bn")).Model);
        var report = ReportWriter.Read(paths.ReportDirectory);
        Assert.Equal("mnistbn run --config pipeline.yaml", report.Command);
        Assert.All(report.Variants, v => Assert.Equal("reports/misclassified-bn.png", v.MisclassifiedGridPath));
        var markdown = File.ReadAllText(Path.Combine(paths.ReportDirectory, ReportFiles.Markdown));
        Assert.Contains("](misclassified-bn.png)", markdown);
        foreach (var file in new[] { paths.Metrics("bn"), Path.Combine(paths.ReportDirectory, ReportFiles.Json), Path.Combine(paths.ReportDirectory, ReportFiles.Markdown) })
            Assert.Empty(AbsolutePaths.In(File.ReadAllText(file)));
    }
}
