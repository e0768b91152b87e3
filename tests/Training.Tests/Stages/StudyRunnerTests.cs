// The whole study (`mnistbn run`) end to end on a small real-MNIST subset and one epoch: every
// artefact exists, the exported models agree with the eager ones through ML.NET, the report's
// numbers are the JSON's, and a second run skips every stage.
using MnistBn.Shared.Configuration;
using MnistBn.TestSupport;
using MnistBn.Training.Loop;
using MnistBn.Training.Stages;
using MnistBn.Training.Report;

namespace MnistBn.Training.Tests.Stages;

public sealed class StudyRunnerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private PipelineConfig SmallStudy()
    {
        var config = MnistTestData.Config;
        return config with
        {
            Model = config.Model with { BatchNorm = config.Model.BatchNorm with { Momentum = 0.1 } },
            Training = config.Training with
            {
                Epochs = 1,
                BatchSize = 32, // enough steps in one epoch for both variants to learn
                Threads = 2,
                TrainSubset = 3000,
                TestSubset = 1000,
                OutputDirectory = Path.Combine(_temp.Path, "runs"),
            },
            Export = config.Export with { Directory = Path.Combine(_temp.Path, "models") },
            Report = new ReportConfig(Path.Combine(_temp.Path, "reports")),
        };
    }

    private static async Task<(StudyReport Report, List<string> Log)> Run(PipelineConfig config)
    {
        await MnistTestData.EnsureAsync();
        var log = new List<string>();
        var runner = new StudyRunner(config, MnistBn.Shared.RepositoryPaths.FindRoot(), force: false, log.Add);
        var report = await runner.RunAsync("test", train => train(NoProgress.Instance), CancellationToken.None);
        return (report, log);
    }

    [Fact]
    public async Task Small_study_writes_consistent_artefacts_and_a_rerun_skips_every_stage()
    {
        var config = SmallStudy();
        var paths = new StudyPaths(config, MnistBn.Shared.RepositoryPaths.FindRoot());

        var (report, _) = await Run(config);

        Assert.Equal(["nobn", "bn"], report.Variants.Select(v => v.Variant));
        foreach (var variant in report.Variants)
        {
            Assert.True(File.Exists(paths.Model(variant.Variant)));
            Assert.True(File.Exists(paths.PublishedHistory(variant.Variant)));
            Assert.True(File.Exists(paths.Metrics(variant.Variant)));
            Assert.True(File.Exists(paths.MisclassifiedGrid(variant.Variant)));
            Assert.Equal(1000, variant.OnnxMlNet.Count);
            Assert.True(variant.Eager.Accuracy > 0.5, $"{variant.Variant}: eager accuracy {variant.Eager.Accuracy} after one epoch on 3,000 images in batches of 32");
            // The exported file through ML.NET classifies like the eager model it came from.
            Assert.Equal(0, variant.Disagreements);
            Assert.Equal(variant.Eager.Accuracy, variant.OnnxMlNet.Accuracy, 12);
            Assert.Equal(variant.Eager.Loss, variant.OnnxMlNet.Loss, 4);
            Assert.Equal(variant.History[^1].TestAccuracy, variant.Eager.Accuracy, 12);
        }

        var json = ReportWriter.Read(paths.ReportDirectory);
        var markdown = File.ReadAllText(Path.Combine(paths.ReportDirectory, ReportFiles.Markdown));
        foreach (var variant in json.Variants)
        {
            Assert.Contains(MarkdownReport.Percent(variant.OnnxMlNet.Accuracy), markdown);
            Assert.Contains($"{variant.Disagreements} of {variant.OnnxMlNet.Count:N0}", markdown);
        }
        Assert.True(File.Exists(Path.Combine(paths.ReportDirectory, ReportFiles.AccuracyPlot + ".png")));
        Assert.True(File.Exists(Path.Combine(paths.ReportDirectory, ReportFiles.LossPlot + ".svg")));

        var (again, log) = await Run(config);

        Assert.Equal(6, log.Count(line => line.Contains("is up to date", StringComparison.Ordinal)));
        Assert.Equal(report.Variants.Select(v => v.OnnxMlNet), again.Variants.Select(v => v.OnnxMlNet));
    }

    [Fact]
    public async Task Study_inside_a_repository_records_its_paths_relative_to_the_repository()
    {
        // _temp plays the repository: every output path of the config is relative to it, as in pipeline.yaml.
        var data = await MnistTestData.EnsureAsync();
        var small = SmallStudy();
        var config = small with
        {
            Data = small.Data with { Directory = data },
            Model = small.Model with { Variants = ["bn"] },
            Training = small.Training with { OutputDirectory = "runs" },
            Export = small.Export with { Directory = "models" },
            Report = new ReportConfig("reports"),
        };
        var runner = new StudyRunner(config, _temp.Path, force: false, _ => { });

        var report = await runner.RunAsync("test", train => train(NoProgress.Instance), CancellationToken.None);

        var paths = new StudyPaths(config, _temp.Path);
        Assert.Equal("models/lenet-bn.onnx", VariantEvaluation.Load(paths.Metrics("bn")).Model);
        Assert.Equal("models/lenet-bn.onnx", report.Variants.Single().ModelPath);
        Assert.Equal("reports/misclassified-bn.png", ReportWriter.Read(paths.ReportDirectory).Variants.Single().MisclassifiedGridPath);
        foreach (var file in new[] { paths.Metrics("bn"), Path.Combine(paths.ReportDirectory, ReportFiles.Json), Path.Combine(paths.ReportDirectory, ReportFiles.Markdown) })
            Assert.DoesNotContain(_temp.Path, File.ReadAllText(file));
    }

    [Fact]
    public async Task Changing_an_export_setting_redoes_export_and_evaluation_but_not_training()
    {
        var config = SmallStudy() with { Model = SmallStudy().Model with { Variants = ["bn"] } };
        await Run(config);

        var (_, log) = await Run(config with { Export = config.Export with { Opset = 17 } });

        Assert.Contains(log, line => line == "bn: training is up to date (" + new StudyPaths(config, MnistBn.Shared.RepositoryPaths.FindRoot()).Checkpoint("bn") + ")");
        Assert.DoesNotContain(log, line => line.StartsWith("bn: export is up to date", StringComparison.Ordinal));
        Assert.DoesNotContain(log, line => line.StartsWith("bn: evaluation is up to date", StringComparison.Ordinal));
    }
}
