// Experiment 2 at toy scale: evaluations every k steps from step 0, and a step to target that is null
// or the first evaluated step at or above the target.
using MnistBn.Training.Experiments;

namespace MnistBn.Training.Tests.Experiments;

public sealed class StepsToTargetExperimentTests(TrainingFixture data) : IClassFixture<TrainingFixture>
{
    [Fact]
    public void Steps_to_target_are_null_or_the_first_evaluation_reaching_it()
    {
        using var temp = new TempDirectory();
        var config = ExperimentTestSupport.Tiny();
        var settings = config.StepsToTarget;
        var report = StepsToTargetExperiment.Run(ExperimentTestSupport.Context(data, config, temp.Path));
        var markdown = File.ReadAllText(StepsToTargetExperiment.Write(report, temp.Path));

        Assert.Equal(settings.Variants.Count * settings.LearningRates.Count, report.Runs.Count);
        foreach (var run in report.Runs)
        {
            var expectedSteps = Enumerable.Range(0, settings.Steps / settings.EvalEverySteps + 1).Select(i => i * settings.EvalEverySteps);
            Assert.Equal(expectedSteps, run.Evaluations.Select(e => e.Step));
            Assert.Equal(settings.Targets, run.Hits.Select(h => h.Target));
            foreach (var hit in run.Hits)
            {
                if (hit.Step is not { } step)
                {
                    Assert.All(run.Evaluations, e => Assert.True(e.TestAccuracy < hit.Target));
                    continue;
                }
                Assert.InRange(step, 0, run.StepsDone);
                Assert.True(run.Evaluations.Single(e => e.Step == step).TestAccuracy >= hit.Target);
                Assert.All(run.Evaluations.Where(e => e.Step < step), e => Assert.True(e.TestAccuracy < hit.Target));
            }
            Assert.Contains(ExperimentFiles.Percent(run.BestTestAccuracy), markdown);
        }
        // 40 steps on 1,024 images: 50% is within reach for BN, 99.99% for nobody.
        Assert.NotNull(report.Runs.Single(r => r.Variant == "bn").Hits[0].Step);
        Assert.All(report.Runs, r => Assert.Null(r.Hits[1].Step));
        Assert.True(File.Exists(Path.Combine(temp.Path, "steps-to-target.png")));
    }

    [Fact]
    public void First_step_reaching_ignores_later_dips()
    {
        EvalPoint At(int step, double accuracy) => new(step, double.NaN, 0.1, accuracy);
        var evaluations = new[] { At(0, 0.1), At(10, 0.97), At(20, 0.985), At(30, 0.975), At(40, 0.991) };
        Assert.Equal(20, StepsToTargetExperiment.FirstStepReaching(evaluations, 0.98));
        Assert.Equal(40, StepsToTargetExperiment.FirstStepReaching(evaluations, 0.99));
        Assert.Null(StepsToTargetExperiment.FirstStepReaching(evaluations, 0.995));
    }

    [Fact]
    public void Findings_compare_with_no_BN_only_where_a_no_BN_run_was_made()
    {
        var config = new Shared.Configuration.StepsToTargetConfig("lenet", 0, ["bn", "nobn"], "sgd", [0.01, 0.1], 64, 100, 10, [0.98]);
        StepsToTargetRun Run(string variant, double rate, int? step) =>
            new(variant, rate, "ok", [new TargetHit(0.98, step)], 0.98, 0.985, 100, [], 1);
        // lr 0.01: both variants, no BN never reaches 98%; lr 0.1: a BN run alone.
        var findings = StepsToTargetExperiment.Findings(config, [Run("bn", 0.01, 40), Run("nobn", 0.01, null), Run("bn", 0.1, 30)]);

        Assert.Contains(findings, f => f.StartsWith("At lr 0.01,") && f.Contains("no BN did not within 100 steps"));
        Assert.DoesNotContain(findings, f => f.StartsWith("At lr 0.1,"));
    }
}
