// Experiment 2, steps to a target accuracy: test accuracy every k steps for each variant and learning
// rate; the first evaluated step at which each target (e.g. 98%, 99%) is reached. The paper's headline:
// BN reaches the baseline's accuracy in far fewer steps (14 times fewer for Inception).
using MnistBn.Shared;
using System.Text;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Report;

namespace MnistBn.Training.Experiments;

/// <summary>The first evaluated step with test accuracy ≥ <paramref name="Target"/>; null when never reached.</summary>
internal sealed record TargetHit(double Target, int? Step);

internal sealed record StepsToTargetRun(
    string Variant,
    double LearningRate,
    string Status,
    IReadOnlyList<TargetHit> Hits,
    double FinalTestAccuracy,
    double BestTestAccuracy,
    int StepsDone,
    IReadOnlyList<EvalPoint> Evaluations,
    double Seconds);

internal sealed record StepsToTargetReport(
    ExperimentHeader Header,
    ExperimentConfigEcho<StepsToTargetConfig> Config,
    IReadOnlyList<StepsToTargetRun> Runs,
    IReadOnlyList<string> Findings);

internal static class StepsToTargetExperiment
{
    public const string Name = "steps-to-target";

    public static StepsToTargetReport Run(ExperimentContext context)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var config = context.Config.StepsToTarget;
        var train = context.Train.Take(config.TrainSubset);
        var runs = new List<StepsToTargetRun>();
        foreach (var rate in config.LearningRates)
        {
            foreach (var variant in config.Variants)
            {
                var settings = new RunSettings(config.Model, variant, config.Optimizer, rate, context.Config.SgdMomentum, config.BatchSize,
                    config.Steps, context.Config.BatchNorm, context.Config.Seed);
                var outcome = ExperimentTrainer.Run(settings, train, context.Test, config.EvalEverySteps, evaluateAtStart: true, cancel: context.Cancel);
                var hits = config.Targets.Select(t => new TargetHit(t, FirstStepReaching(outcome.Evaluations, t))).ToList();
                var run = new StepsToTargetRun(variant, rate, outcome.Status, hits, outcome.FinalTestAccuracy,
                    outcome.Evaluations.Select(e => e.TestAccuracy).Where(double.IsFinite).DefaultIfEmpty(0).Max(), outcome.StepsDone,
                    outcome.Evaluations, outcome.Seconds);
                runs.Add(run);
                context.Log($"{Name}: lr {ExperimentFiles.Rate(rate)} {variant}: " +
                            string.Join(", ", hits.Select(h => $"{ExperimentFiles.Percent(h.Target)} at {ExperimentFiles.Steps(h.Step)}")) +
                            $"; final {ExperimentFiles.Percent(run.FinalTestAccuracy)} ({outcome.Seconds:F1} s)");
            }
        }
        var header = new ExperimentHeader(Name, DateTimeOffset.UtcNow, context.Command, clock.Elapsed.TotalSeconds,
            train.Count, context.Test.Count, TorchSharp.torch.get_num_threads(), LrSweepExperiment.Machine());
        return new StepsToTargetReport(header, new(context.Shared, config), runs, Findings(config, runs));
    }

    /// <summary>The first evaluation at or above <paramref name="target"/> (resolution: eval_every_steps).</summary>
    public static int? FirstStepReaching(IReadOnlyList<EvalPoint> evaluations, double target) =>
        evaluations.FirstOrDefault(e => e.TestAccuracy >= target)?.Step;

    internal static List<string> Findings(StepsToTargetConfig config, IReadOnlyList<StepsToTargetRun> runs)
    {
        var findings = new List<string>();
        foreach (var target in config.Targets)
        {
            var parts = runs.Select(r =>
                $"{ExperimentModels.Label(config.Model, r.Variant)} at lr {ExperimentFiles.Rate(r.LearningRate)}: {ExperimentFiles.Steps(r.Hits.First(h => h.Target == target).Step)}");
            findings.Add($"Steps to {ExperimentFiles.Percent(target)} test accuracy — " + string.Join("; ", parts) + ".");
            foreach (var byRate in runs.GroupBy(r => r.LearningRate))
            {
                // The paper's comparison: the same learning rate, with and without BN (none without a no-BN run).
                var plainRun = byRate.FirstOrDefault(r => r.Variant == VariantNames.NoBatchNorm);
                if (plainRun is null)
                    continue;
                var plain = plainRun.Hits.First(h => h.Target == target).Step;
                foreach (var other in byRate.Where(r => r.Variant != VariantNames.NoBatchNorm))
                {
                    var step = other.Hits.First(h => h.Target == target).Step;
                    if (plain is > 0 && step is > 0)
                        findings.Add($"At lr {ExperimentFiles.Rate(byRate.Key)}, {ExperimentModels.Label(config.Model, other.Variant)} reached {ExperimentFiles.Percent(target)} " +
                                     $"in {ExperimentFiles.Number((double)plain.Value / step.Value, 1)}× fewer steps than no BN ({step:N0} vs {plain:N0}).");
                    else if (plain is null && step is not null)
                        findings.Add($"At lr {ExperimentFiles.Rate(byRate.Key)}, {ExperimentModels.Label(config.Model, other.Variant)} reached {ExperimentFiles.Percent(target)} " +
                                     $"at step {step:N0}; no BN did not within {config.Steps:N0} steps.");
                }
            }
        }
        var best = runs.Select(r => $"{ExperimentModels.Label(config.Model, r.Variant)} at lr {ExperimentFiles.Rate(r.LearningRate)} {ExperimentFiles.Percent(r.BestTestAccuracy)}");
        findings.Add($"Best test accuracy within {config.Steps:N0} steps — " + string.Join("; ", best) + ".");
        return findings;
    }

    public static string Render(StepsToTargetReport report)
    {
        var config = report.Config.Experiment;
        var md = new StringBuilder();
        ExperimentFiles.AppendHeader(md, "Experiment 2: steps to a target accuracy",
            "Batch Normalization reaches the same accuracy in far fewer training steps (Inception: 14 times fewer; on MNIST, Figure 1(a)).",
            report.Header);
        md.AppendLine($"Each run: {config.Model}, {LrSweepExperiment.Optimizer(config.Optimizer)}" +
                      (config.Optimizer == "sgd" ? $" (momentum {ExperimentFiles.Rate(report.Config.Shared.SgdMomentum)})" : "") +
                      $", batch {config.BatchSize}, {config.Steps:N0} steps, no augmentation; test accuracy on {report.Header.TestImages:N0} test images " +
                      $"every {config.EvalEverySteps:N0} steps, so a step count below is the first evaluation at or above the target.").AppendLine();
        ExperimentFiles.AppendFindings(md, report.Findings);
        md.AppendLine("## Steps to each target").AppendLine();
        md.AppendLine("| variant | learning rate | " + string.Join(" | ", config.Targets.Select(t => $"steps to {ExperimentFiles.Percent(t)}")) + " | best test accuracy | final test accuracy | status |");
        md.AppendLine("| --- | ---: | " + string.Join(" | ", config.Targets.Select(_ => "---:")) + " | ---: | ---: | --- |");
        foreach (var run in report.Runs)
        {
            md.AppendLine($"| {ExperimentModels.Label(config.Model, run.Variant)} | {ExperimentFiles.Rate(run.LearningRate)} | " +
                          string.Join(" | ", run.Hits.Select(h => ExperimentFiles.Steps(h.Step))) +
                          $" | {ExperimentFiles.Percent(run.BestTestAccuracy)} | {ExperimentFiles.Percent(run.FinalTestAccuracy)} | {run.Status} |");
        }
        md.AppendLine();
        ExperimentFiles.AppendChart(md, "test accuracy against training step", Name);
        ExperimentFiles.AppendConfig(md, report.Config, Name);
        return md.ToString();
    }

    public static string Write(StepsToTargetReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var config = report.Config.Experiment;
        var rates = report.Runs.Select(r => r.LearningRate).Distinct().ToList();
        var variants = report.Runs.Select(r => r.Variant).Distinct().ToList();
        var series = report.Runs.Select(r => new XySeries(
            $"{ExperimentModels.Label(config.Model, r.Variant)}, lr {ExperimentFiles.Rate(r.LearningRate)}",
            [.. r.Evaluations.Select(e => ((double)e.Step, e.TestAccuracy))],
            variants.IndexOf(r.Variant) + 4 * rates.IndexOf(r.LearningRate) % 8,
            Dashed: rates.IndexOf(r.LearningRate) % 2 == 1)).ToList();
        var low = Math.Max(0, config.Targets.Min() - 0.05);
        LineChart.WriteXy("Test accuracy during training", new XyAxes("training step", "test accuracy", YMin: low, YMax: 1), series,
            Path.Combine(directory, Name));
        return ExperimentFiles.Write(directory, Name, report, Render(report));
    }
}
