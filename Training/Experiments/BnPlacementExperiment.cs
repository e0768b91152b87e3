// Experiment 4, ablation: BatchNorm before the activation (the paper's choice: "we add the BN transform
// immediately before the nonlinearity") against after it, for each momentum of the running statistics
// (PyTorch convention; the study uses 0.01 = Keras 0.99), optionally beside the model without BN.
using MnistBn.Shared;
using System.Text;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Report;

namespace MnistBn.Training.Experiments;

/// <summary>One run: placement (<c>none</c> for the baseline), momentum (null for the baseline), test accuracy per epoch.</summary>
internal sealed record BnPlacementRun(
    string Placement,
    double? Momentum,
    string Status,
    double FinalTestAccuracy,
    double FinalTestLoss,
    IReadOnlyList<EvalPoint> Evaluations,
    double Seconds);

internal sealed record BnPlacementReport(
    ExperimentHeader Header,
    ExperimentConfigEcho<BnPlacementConfig> Config,
    int StepsPerRun,
    IReadOnlyList<BnPlacementRun> Runs,
    IReadOnlyList<string> Findings);

internal static class BnPlacementExperiment
{
    public const string Name = "bn-placement";

    public static BnPlacementReport Run(ExperimentContext context)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var config = context.Config.BnPlacement;
        var train = context.Train.Take(config.TrainSubset);
        var stepsPerEpoch = (int)(train.Count / config.BatchSize);
        var steps = stepsPerEpoch * config.Epochs;
        var plan = new List<(string Placement, double? Momentum)>();
        if (config.Baseline)
            plan.Add(("none", null));
        foreach (var placement in config.Placements)
            plan.AddRange(config.Momentums.Select(m => (placement, (double?)m)));

        var runs = new List<BnPlacementRun>();
        foreach (var (placement, momentum) in plan)
        {
            var variant = placement switch { "before" => VariantNames.BatchNorm, "after" => VariantNames.BatchNormAfter, _ => VariantNames.NoBatchNorm };
            var batchNorm = context.Config.BatchNorm with { Momentum = momentum ?? context.Config.BatchNorm.Momentum };
            var settings = new RunSettings(config.Model, variant, config.Optimizer, config.LearningRate, context.Config.SgdMomentum,
                config.BatchSize, steps, batchNorm, context.Config.Seed);
            var outcome = ExperimentTrainer.Run(settings, train, context.Test, stepsPerEpoch, cancel: context.Cancel);
            var run = new BnPlacementRun(placement, momentum, outcome.Status, outcome.FinalTestAccuracy, outcome.FinalTestLoss, outcome.Evaluations, outcome.Seconds);
            runs.Add(run);
            context.Log($"{Name}: {Label(run)}: {run.Status}, test accuracy {ExperimentFiles.Percent(run.FinalTestAccuracy)} ({outcome.Seconds:F1} s)");
        }
        var header = new ExperimentHeader(Name, DateTimeOffset.UtcNow, context.Command, clock.Elapsed.TotalSeconds,
            train.Count, context.Test.Count, TorchSharp.torch.get_num_threads(), LrSweepExperiment.Machine());
        return new BnPlacementReport(header, new(context.Shared, config), steps, runs, Findings(config, runs));
    }

    private static string Label(BnPlacementRun run) =>
        run.Momentum is null ? "no BN" : $"BN {run.Placement} activation, momentum {ExperimentFiles.Rate(run.Momentum.Value)}";

    private static List<string> Findings(BnPlacementConfig config, IReadOnlyList<BnPlacementRun> runs)
    {
        var findings = new List<string>();
        foreach (var byPlacement in runs.Where(r => r.Momentum is not null).GroupBy(r => r.Placement))
        {
            findings.Add($"BN {byPlacement.Key} the activation: " + string.Join(", ", byPlacement.Select(r =>
                $"{ExperimentFiles.Percent(r.FinalTestAccuracy)} at momentum {ExperimentFiles.Rate(r.Momentum!.Value)}")) +
                $" (mean {ExperimentFiles.Percent(byPlacement.Average(r => r.FinalTestAccuracy))}).");
        }
        if (runs.FirstOrDefault(r => r.Momentum is null) is { } baseline)
            findings.Add($"Without BN: {ExperimentFiles.Percent(baseline.FinalTestAccuracy)}.");
        var best = runs.OrderByDescending(r => r.FinalTestAccuracy).First();
        findings.Add($"Best after {config.Epochs} epoch(s): {Label(best)} with {ExperimentFiles.Percent(best.FinalTestAccuracy)}.");
        return findings;
    }

    public static string Render(BnPlacementReport report)
    {
        var config = report.Config.Experiment;
        var md = new StringBuilder();
        ExperimentFiles.AppendHeader(md, "Experiment 4: BatchNorm placement and momentum",
            "BN belongs immediately before the nonlinearity, normalising x = Wu (section 3.2); the running statistics only matter at inference.",
            report.Header);
        md.AppendLine($"Each run: {config.Model}, {LrSweepExperiment.Optimizer(config.Optimizer)} lr {ExperimentFiles.Rate(config.LearningRate)}, " +
                      $"batch {config.BatchSize}, {config.Epochs} epoch(s) = {report.StepsPerRun:N0} steps, no augmentation; test accuracy in eval mode " +
                      "(BN uses its running statistics, which the momentum controls). Momentum in the PyTorch convention: " +
                      "running = (1 − m)·running + m·batch, so small m averages over about 1/m batches.").AppendLine();
        ExperimentFiles.AppendFindings(md, report.Findings);
        md.AppendLine("## Final test accuracy").AppendLine();
        var momentums = report.Runs.Where(r => r.Momentum is not null).Select(r => r.Momentum!.Value).Distinct().ToList();
        md.AppendLine("| placement | " + string.Join(" | ", momentums.Select(m => $"momentum {ExperimentFiles.Rate(m)}")) + " |");
        md.AppendLine("| --- | " + string.Join(" | ", momentums.Select(_ => "---:")) + " |");
        foreach (var byPlacement in report.Runs.Where(r => r.Momentum is not null).GroupBy(r => r.Placement))
        {
            var cells = momentums.Select(m => byPlacement.FirstOrDefault(r => r.Momentum == m) is { } run
                ? ExperimentFiles.Percent(run.FinalTestAccuracy) + (run.Status == RunStatus.Trained ? "" : $" ({run.Status})")
                : "");
            md.AppendLine($"| BN {byPlacement.Key} activation | {string.Join(" | ", cells)} |");
        }
        if (report.Runs.FirstOrDefault(r => r.Momentum is null) is { } baseline)
            md.AppendLine($"| no BN (baseline) | {string.Join(" | ", momentums.Select(_ => ExperimentFiles.Percent(baseline.FinalTestAccuracy)))} |");
        md.AppendLine();
        ExperimentFiles.AppendChart(md, "final test accuracy against BN momentum", Name);
        ExperimentFiles.AppendChart(md, "test accuracy per epoch", $"{Name}-epochs");
        ExperimentFiles.AppendConfig(md, report.Config, Name);
        return md.ToString();
    }

    public static string Write(BnPlacementReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var config = report.Config.Experiment;
        var momentums = report.Runs.Where(r => r.Momentum is not null).Select(r => r.Momentum!.Value).ToList();
        var series = report.Runs.Where(r => r.Momentum is not null).GroupBy(r => r.Placement)
            .Select((g, i) => new XySeries($"BN {g.Key} activation", [.. g.Select(r => (r.Momentum!.Value, r.FinalTestAccuracy))], i + 1)).ToList();
        if (report.Runs.FirstOrDefault(r => r.Momentum is null) is { } baseline && momentums.Count > 0)
            series.Add(new XySeries("no BN", [(momentums.Min(), baseline.FinalTestAccuracy), (momentums.Max(), baseline.FinalTestAccuracy)], 0, Dashed: true));
        LineChart.WriteXy($"Test accuracy after {config.Epochs} epoch(s) vs BN momentum", new XyAxes("BN momentum (PyTorch convention)", "test accuracy", LogX: true),
            series, Path.Combine(directory, Name));
        var curves = report.Runs.Select((r, i) => new XySeries(Label(r), [.. r.Evaluations.Select(e => ((double)e.Step, e.TestAccuracy))], i,
            Dashed: r.Placement == "after")).ToList();
        LineChart.WriteXy("Test accuracy per epoch", new XyAxes("training step", "test accuracy"), curves, Path.Combine(directory, $"{Name}-epochs"));
        return ExperimentFiles.Write(directory, Name, report, Render(report));
    }
}
