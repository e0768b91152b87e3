using MnistBn.Training.Report;

namespace MnistBn.Training.Tests.Report;

public sealed class ReportWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mnistbn-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static StudyReport Sample(string? gridPath = null)
    {
        VariantReport Variant(string name, double accuracy)
        {
            var confusion = Enumerable.Range(0, 10).Select(r => Enumerable.Range(0, 10).Select(c => r == c ? 99 : (r + c) % 3 == 0 ? 1 : 0).ToArray()).ToArray();
            var perClass = Enumerable.Range(0, 10).Select(d => new ClassReport(d, 0.99, 0.98, 100)).ToList();
            var history = new[] { new EpochReport(1, 0.3, 0.9, 0.1, 0.97, 2.5), new EpochReport(2, 0.1, 0.97, 0.05, accuracy, 2.4) };
            return new VariantReport(name, 4.9, history, new TestMetrics(0.0312, accuracy, 10_000),
                new TestMetrics(0.0312, accuracy, 10_000), 0, confusion, perClass, "models/lenet-" + name + ".onnx", gridPath, [new MisclassifiedReport(12, 7, 9)]);
        }
        var machine = new MachineInfo("Linux", "AMD EPYC (family 25, model 17)", "AVX-512", 2, 2, ".NET 10", new Dictionary<string, string> { ["TorchSharp"] = "0.107.0" });
        return new StudyReport(DateTimeOffset.UnixEpoch, "mnistbn run", "abc", MnistBn.Shared.Configuration.PipelineConfigJson.Serialize(MnistBn.TestSupport.MnistTestData.Config), machine, [Variant("nobn", 0.9921), Variant("bn", 0.9934)], 65);
    }

    [Fact]
    public void Markdown_shows_the_same_numbers_as_the_json()
    {
        var markdownPath = ReportWriter.Write(Sample(), _dir, _dir);

        var report = ReportWriter.Read(_dir);
        var markdown = File.ReadAllText(markdownPath);
        foreach (var variant in report.Variants)
            Assert.Contains(MarkdownReport.Percent(variant.OnnxMlNet.Accuracy), markdown);
        Assert.Contains("99.08%", markdown); // the reference study's accuracy without BN
        Assert.True(File.Exists(Path.Combine(_dir, ReportFiles.AccuracyPlot + ".png")));
        Assert.True(File.Exists(Path.Combine(_dir, ReportFiles.LossPlot + ".svg")));
        Assert.True(File.Exists(Path.Combine(_dir, ReportFiles.TestAccuracyPlot + ".png")));
        Assert.Contains($"]({ReportFiles.TestAccuracyPlot}.png)", markdown);
    }

    [Fact]
    public void Setup_section_states_the_training_settings_of_the_config()
    {
        var markdown = File.ReadAllText(ReportWriter.Write(Sample(), _dir, _dir));

        var training = MnistBn.TestSupport.MnistTestData.Config.Training;
        Assert.Contains("## Setup", markdown);
        Assert.Contains($"{training.Epochs} epochs, batch {training.BatchSize}, adam learning rate {training.LearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)} × {training.LearningRateDecay.ToString(System.Globalization.CultureInfo.InvariantCulture)} per epoch", markdown);
        Assert.Contains("shear ±0.3°", markdown);
    }

    [Fact]
    public void Setup_section_names_the_processor_instruction_set_and_training_threads()
    {
        var markdown = File.ReadAllText(ReportWriter.Write(Sample(), _dir, _dir));

        var setup = markdown[markdown.IndexOf("## Setup", StringComparison.Ordinal)..markdown.IndexOf("## Training curves", StringComparison.Ordinal)];
        Assert.Contains("AMD EPYC (family 25, model 17), instruction set AVX-512, 2 training threads", setup);
    }

    [Fact]
    public void Report_from_before_the_instruction_set_was_recorded_says_so()
    {
        var old = Sample() with { Machine = Sample().Machine with { InstructionSet = null } };

        var markdown = File.ReadAllText(ReportWriter.Write(old, _dir, _dir));

        Assert.Contains("instruction set not recorded", markdown);
    }

    [Fact]
    public void Misclassified_grid_recorded_relative_to_the_repository_is_linked_relative_to_the_report()
    {
        var reports = Path.Combine(_dir, "reports");

        var markdown = File.ReadAllText(ReportWriter.Write(Sample(gridPath: "reports/misclassified-bn.png"), reports, root: _dir));

        Assert.Contains("](misclassified-bn.png)", markdown);
    }

    [Fact]
    public void Misclassified_grid_outside_the_repository_is_linked_by_its_name()
    {
        var markdown = File.ReadAllText(ReportWriter.Write(Sample(gridPath: MnistBn.Shared.RepositoryPaths.OutsidePrefix + "misclassified-bn.png"), _dir, _dir));

        Assert.Contains("](misclassified-bn.png)", markdown);
    }
}
