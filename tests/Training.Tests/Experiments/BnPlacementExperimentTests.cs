// Experiment 4 at toy scale: the baseline plus every placement × momentum, each with its own result.
using MnistBn.Training.Experiments;

namespace MnistBn.Training.Tests.Experiments;

public sealed class BnPlacementExperimentTests(TrainingFixture data) : IClassFixture<TrainingFixture>
{
    [Fact]
    public void Ablation_trains_the_baseline_and_every_placement_and_momentum()
    {
        using var temp = new TempDirectory();
        var config = ExperimentTestSupport.Tiny();
        var report = BnPlacementExperiment.Run(ExperimentTestSupport.Context(data, config, temp.Path));
        var markdown = File.ReadAllText(BnPlacementExperiment.Write(report, temp.Path));

        Assert.Equal(
            [("none", null), ("before", 0.01), ("before", 0.5), ("after", 0.01), ("after", 0.5)],
            report.Runs.Select(r => (r.Placement, r.Momentum)).ToArray<(string, double?)>());
        Assert.Equal(512 / 64, report.StepsPerRun);
        Assert.All(report.Runs, r => Assert.NotEqual(RunStatus.Diverged, r.Status)); // 8 steps: some may still be "stalled"
        Assert.All(report.Runs, r => Assert.Equal([report.StepsPerRun], r.Evaluations.Select(e => e.Step))); // one epoch, one evaluation
        // Placement changes the network: before and after at the same momentum do not compute the same thing.
        Assert.NotEqual(report.Runs[1].FinalTestLoss, report.Runs[3].FinalTestLoss);
        foreach (var run in report.Runs)
            Assert.Contains(ExperimentFiles.Percent(run.FinalTestAccuracy), markdown);
        Assert.True(File.Exists(Path.Combine(temp.Path, "bn-placement.svg")));
        Assert.True(File.Exists(Path.Combine(temp.Path, "bn-placement-epochs.png")));
    }

    [Fact]
    public void Suite_all_writes_every_experiment_and_an_index_of_their_findings()
    {
        using var temp = new TempDirectory();
        var config = ExperimentTestSupport.Tiny() with
        {
            LrSweep = ExperimentTestSupport.Tiny().LrSweep with { TrainSubset = 256, SgdLearningRates = [] },
            StepsToTarget = ExperimentTestSupport.Tiny().StepsToTarget with { Variants = ["bn"], Steps = 10, EvalEverySteps = 5 },
            CovariateShift = ExperimentTestSupport.Tiny().CovariateShift with { Variants = ["bn"], Steps = 10, RecordEverySteps = 5 },
            BnPlacement = ExperimentTestSupport.Tiny().BnPlacement with { TrainSubset = 128, Momentums = [0.1], Placements = ["after"] },
        };
        var written = ExperimentSuite.Run(ExperimentSuite.All, ExperimentTestSupport.Context(data, config, temp.Path));

        Assert.Equal(ExperimentSuite.Names.Select(n => Path.Combine(temp.Path, n + ".md")).Append(Path.Combine(temp.Path, "README.md")), written);
        var index = File.ReadAllText(Path.Combine(temp.Path, "README.md"));
        foreach (var name in ExperimentSuite.Names)
            Assert.Contains($"({name}.md)", index);
        var placement = ExperimentFiles.Read<BnPlacementReport>(temp.Path, BnPlacementExperiment.Name);
        Assert.All(placement.Findings, finding => Assert.Contains(finding, index));
    }
}
