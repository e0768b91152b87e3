// Experiment 1, learning-rate tolerance: every variant at every learning rate of each optimizer, a few
// epochs each; final test accuracy against learning rate, and which runs diverged or stalled.
// The paper: "Batch Normalization enables higher learning rates".
using System.Globalization;
using System.Text;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Report;

namespace MnistBn.Training.Experiments;

/// <summary>One (optimizer, learning rate, variant) run: its status and test accuracy after each epoch.</summary>
internal sealed record LrSweepRun(
    string Optimizer,
    double LearningRate,
    string Variant,
    string Status,
    int? DivergedAtStep,
    double FinalTestAccuracy,
    double FinalTestLoss,
    IReadOnlyList<EvalPoint> Evaluations,
    double Seconds);

/// <summary>Per optimizer and variant: the best run, and the learning rates that diverged, stalled, or came within 1 point of the best.</summary>
internal sealed record LrSweepSummary(
    string Optimizer,
    string Variant,
    double BestLearningRate,
    double BestAccuracy,
    double? HighestTrainedLearningRate,
    IReadOnlyList<double> DivergedLearningRates,
    IReadOnlyList<double> StalledLearningRates,
    IReadOnlyList<double> NearBestLearningRates);

internal sealed record LrSweepReport(
    ExperimentHeader Header,
    ExperimentConfigEcho<LrSweepConfig> Config,
    int StepsPerRun,
    IReadOnlyList<LrSweepRun> Runs,
    IReadOnlyList<LrSweepSummary> Summary,
    IReadOnlyList<string> Findings);

internal static class LrSweepExperiment
{
    public const string Name = "lr-sweep";

    /// <summary>"Near the best": within this much test accuracy of the best run of the same optimizer (any variant).</summary>
    public const double NearBest = 0.01;

    public static LrSweepReport Run(ExperimentContext context)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var config = context.Config.LrSweep;
        var train = context.Train.Take(config.TrainSubset);
        var stepsPerEpoch = (int)(train.Count / config.BatchSize);
        var steps = stepsPerEpoch * config.Epochs;
        var runs = new List<LrSweepRun>();
        foreach (var (optimizer, rates) in new[] { ("adam", config.AdamLearningRates), ("sgd", config.SgdLearningRates) })
        {
            foreach (var rate in rates)
            {
                foreach (var variant in config.Variants)
                {
                    var settings = new RunSettings(config.Model, variant, optimizer, rate, context.Config.SgdMomentum, config.BatchSize, steps,
                        context.Config.BatchNorm, context.Config.Seed);
                    var outcome = ExperimentTrainer.Run(settings, train, context.Test, stepsPerEpoch, cancel: context.Cancel);
                    var run = new LrSweepRun(optimizer, rate, variant, outcome.Status, outcome.DivergedAtStep, outcome.FinalTestAccuracy,
                        outcome.FinalTestLoss, outcome.Evaluations, outcome.Seconds);
                    runs.Add(run);
                    context.Log($"{Name}: {optimizer} lr {ExperimentFiles.Rate(rate)} {variant}: {run.Status}, test accuracy {ExperimentFiles.Percent(run.FinalTestAccuracy)} ({outcome.Seconds:F1} s)");
                }
            }
        }
        var summary = Summarize(runs);
        var header = new ExperimentHeader(Name, DateTimeOffset.UtcNow, context.Command, clock.Elapsed.TotalSeconds,
            train.Count, context.Test.Count, TorchSharp.torch.get_num_threads(), Machine());
        return new LrSweepReport(header, new(context.Shared, config), steps, runs, summary, Findings(config, summary));
    }

    internal static string Machine() => MachineInfoReader.Summary();

    private static List<LrSweepSummary> Summarize(IReadOnlyList<LrSweepRun> runs)
    {
        var summary = new List<LrSweepSummary>();
        foreach (var byOptimizer in runs.GroupBy(r => r.Optimizer))
        {
            var best = byOptimizer.Where(r => double.IsFinite(r.FinalTestAccuracy)).Select(r => r.FinalTestAccuracy).DefaultIfEmpty(0).Max();
            foreach (var byVariant in byOptimizer.GroupBy(r => r.Variant))
            {
                var top = byVariant.OrderByDescending(r => double.IsFinite(r.FinalTestAccuracy) ? r.FinalTestAccuracy : -1).First();
                var trained = byVariant.Where(r => r.Status == RunStatus.Trained).Select(r => r.LearningRate).ToList();
                summary.Add(new LrSweepSummary(byOptimizer.Key, byVariant.Key, top.LearningRate, top.FinalTestAccuracy,
                    trained.Count > 0 ? trained.Max() : null,
                    [.. byVariant.Where(r => r.Status == RunStatus.Diverged).Select(r => r.LearningRate)],
                    [.. byVariant.Where(r => r.Status == RunStatus.Stalled).Select(r => r.LearningRate)],
                    [.. byVariant.Where(r => r.FinalTestAccuracy >= best - NearBest).Select(r => r.LearningRate)]));
            }
        }
        return summary;
    }

    private static List<string> Findings(LrSweepConfig config, IReadOnlyList<LrSweepSummary> summary)
    {
        var findings = new List<string>();
        foreach (var byOptimizer in summary.GroupBy(s => s.Optimizer))
        {
            var total = byOptimizer.Key == "adam" ? config.AdamLearningRates.Count : config.SgdLearningRates.Count;
            var parts = byOptimizer.Select(s =>
                $"{ExperimentModels.Label(config.Model, s.Variant)} is within 1 point of the best at {s.NearBestLearningRates.Count} of {total} learning rates " +
                $"({List(s.NearBestLearningRates)}), best {ExperimentFiles.Percent(s.BestAccuracy)} at lr {ExperimentFiles.Rate(s.BestLearningRate)}, " +
                $"highest learning rate that trained {(s.HighestTrainedLearningRate is { } high ? ExperimentFiles.Rate(high) : "none")}, " +
                $"diverged (NaN/∞) at {List(s.DivergedLearningRates)}, stalled at {List(s.StalledLearningRates)}");
            findings.Add($"{Optimizer(byOptimizer.Key)}: " + string.Join("; ", parts) + ".");
        }
        return findings;
    }

    private static string List(IReadOnlyList<double> rates) => rates.Count == 0 ? "none" : string.Join(", ", rates.Select(ExperimentFiles.Rate));

    public static string Optimizer(string name) => name == "sgd" ? "SGD" : "Adam";

    public static string Render(LrSweepReport report)
    {
        var config = report.Config.Experiment;
        var md = new StringBuilder();
        ExperimentFiles.AppendHeader(md, "Experiment 1: learning-rate tolerance",
            "Batch Normalization allows much higher learning rates without divergence (section 3.3; Figure 3 trains at 5× and 30× the baseline rate).",
            report.Header);
        md.AppendLine($"Each run: {config.Model}, {config.Epochs} epoch(s) of {report.Header.TrainImages:N0} images = {report.StepsPerRun:N0} steps of batch {config.BatchSize}, " +
                      $"no augmentation, same seed and batch order for every run; SGD with momentum {ExperimentFiles.Rate(report.Config.Shared.SgdMomentum)}. " +
                      $"*diverged*: the loss became NaN/∞; *stalled*: final test accuracy ≤ {ExperimentFiles.Percent(RunStatus.StalledAccuracy)}.").AppendLine();
        ExperimentFiles.AppendFindings(md, report.Findings);
        foreach (var byOptimizer in report.Runs.GroupBy(r => r.Optimizer))
        {
            md.AppendLine($"## {Optimizer(byOptimizer.Key)}: final test accuracy by learning rate").AppendLine();
            var variants = byOptimizer.Select(r => r.Variant).Distinct().ToList();
            md.AppendLine("| learning rate | " + string.Join(" | ", variants.Select(v => ExperimentModels.Label(config.Model, v))) + " |");
            md.AppendLine("| ---: | " + string.Join(" | ", variants.Select(_ => "---:")) + " |");
            foreach (var byRate in byOptimizer.GroupBy(r => r.LearningRate))
            {
                var cells = variants.Select(v => byRate.FirstOrDefault(r => r.Variant == v) is { } run ? Cell(run) : "");
                md.AppendLine($"| {ExperimentFiles.Rate(byRate.Key)} | {string.Join(" | ", cells)} |");
            }
            md.AppendLine();
            ExperimentFiles.AppendChart(md, $"test accuracy against learning rate, {byOptimizer.Key}", ChartName(byOptimizer.Key));
        }
        ExperimentFiles.AppendConfig(md, report.Config, Name);
        return md.ToString();
    }

    private static string Cell(LrSweepRun run) => run.Status switch
    {
        RunStatus.Diverged => $"diverged (step {run.DivergedAtStep?.ToString("N0", CultureInfo.InvariantCulture)})",
        RunStatus.Stalled => $"{ExperimentFiles.Percent(run.FinalTestAccuracy)} (stalled)",
        _ => ExperimentFiles.Percent(run.FinalTestAccuracy),
    };

    private static string ChartName(string optimizer) => $"{Name}-{optimizer}";

    public static string Write(LrSweepReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var config = report.Config.Experiment;
        foreach (var byOptimizer in report.Runs.GroupBy(r => r.Optimizer))
        {
            // Diverged runs are drawn at chance level (their NaN network predicts one class), so the collapse shows.
            var series = byOptimizer.GroupBy(r => r.Variant).Select((byVariant, i) => new XySeries(
                ExperimentModels.Label(config.Model, byVariant.Key),
                [.. byVariant.Select(r => (r.LearningRate, double.IsFinite(r.FinalTestAccuracy) ? r.FinalTestAccuracy : 0.1))],
                i)).ToList();
            LineChart.WriteXy($"{Optimizer(byOptimizer.Key)}: test accuracy after {config.Epochs} epoch(s) vs learning rate",
                new XyAxes("learning rate", "test accuracy", LogX: true, YMin: 0, YMax: 1), series, Path.Combine(directory, ChartName(byOptimizer.Key)));
        }
        return ExperimentFiles.Write(directory, Name, report, Render(report));
    }
}
