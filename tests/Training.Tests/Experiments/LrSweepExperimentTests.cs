// Experiment 1 at toy scale: one entry per learning rate and variant, an absurd SGD rate is recorded
// as diverged (not thrown), and the Markdown shows the JSON's numbers.
using MnistBn.Training.Experiments;

namespace MnistBn.Training.Tests.Experiments;

public sealed class LrSweepExperimentTests(TrainingFixture data) : IClassFixture<TrainingFixture>
{
    [Fact]
    public void Sweep_has_one_run_per_rate_and_variant_and_flags_an_exploding_rate_as_diverged()
    {
        using var temp = new TempDirectory();
        var config = ExperimentTestSupport.Tiny();
        var report = LrSweepExperiment.Run(ExperimentTestSupport.Context(data, config, temp.Path));
        var markdownPath = LrSweepExperiment.Write(report, temp.Path);

        var expected = config.LrSweep.AdamLearningRates.Select(r => ("adam", r))
            .Concat(config.LrSweep.SgdLearningRates.Select(r => ("sgd", r)))
            .SelectMany(x => config.LrSweep.Variants.Select(v => (x.Item1, x.r, v)))
            .ToList();
        Assert.Equal(expected, report.Runs.Select(r => (r.Optimizer, r.LearningRate, r.Variant)).ToList());

        var exploding = report.Runs.Single(r => r.Optimizer == "sgd" && r.LearningRate == 1e30 && r.Variant == "nobn");
        Assert.Equal(RunStatus.Diverged, exploding.Status);
        Assert.InRange(exploding.DivergedAtStep!.Value, 1, report.StepsPerRun);
        Assert.Contains(1e30, report.Summary.Single(s => s.Optimizer == "sgd" && s.Variant == "nobn").DivergedLearningRates);
        var sane = report.Runs.Single(r => r.Optimizer == "adam" && r.Variant == "bn");
        Assert.Equal(RunStatus.Trained, sane.Status);
        Assert.True(sane.FinalTestAccuracy > 0.5, $"Adam 0.001 with BN reached only {sane.FinalTestAccuracy} on 1,024 images");

        var saved = ExperimentFiles.Read<LrSweepReport>(temp.Path, LrSweepExperiment.Name);
        Assert.Equal(report.Runs.Count, saved.Runs.Count);
        var markdown = File.ReadAllText(markdownPath);
        foreach (var run in saved.Runs.Where(r => r.Status != RunStatus.Diverged))
            Assert.Contains(ExperimentFiles.Percent(run.FinalTestAccuracy), markdown);
        Assert.Contains($"diverged (step {exploding.DivergedAtStep})", markdown);
        Assert.Contains("\"sgd_learning_rates\"", markdown); // the exact config travels with the page
        foreach (var chart in new[] { "lr-sweep-adam", "lr-sweep-sgd" })
        {
            Assert.True(File.Exists(Path.Combine(temp.Path, chart + ".png")));
            Assert.True(File.Exists(Path.Combine(temp.Path, chart + ".svg")));
        }
    }
}
