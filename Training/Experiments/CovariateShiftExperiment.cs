// Experiment 3, internal covariate shift as in the paper's Figure 1: the distribution of the input to a
// hidden activation (by default the last hidden layer of the paper's 3×100 sigmoid MLP, batch 60),
// measured every k steps on fixed probe images as its 15th, 50th and 85th percentiles, with and
// without BN, beside the test accuracy (Figure 1(a)). The paper: without BN the distribution "changes
// significantly over time, both in its mean and the variance"; with BN it stays much more stable.
// Percentiles are taken in eval mode (BN normalises with its running statistics), without autograd.
using System.Text;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Report;
using static TorchSharp.torch;

namespace MnistBn.Training.Experiments;

/// <summary>The plotted unit's percentiles (in config order) and the test accuracy after <paramref name="Step"/> steps.</summary>
internal sealed record PercentilePoint(int Step, IReadOnlyList<double> Values, double TestAccuracy);

/// <summary>
/// How much the pre-activation distributions moved after the first record, over ALL units of the layer:
/// for each unit the range (max − min over records) of its median and of its spread (highest − lowest
/// configured percentile), averaged over units; "relative" divides each unit's median range by its mean spread.
/// </summary>
internal sealed record DriftSummary(double MedianRange, double SpreadRange, double MeanSpread, double RelativeMedianRange);

internal sealed record CovariateShiftRun(
    string Variant,
    string Status,
    long Units,
    IReadOnlyList<PercentilePoint> Points,
    DriftSummary Drift,
    double FinalTestAccuracy,
    double Seconds);

internal sealed record CovariateShiftReport(
    ExperimentHeader Header,
    ExperimentConfigEcho<CovariateShiftConfig> Config,
    IReadOnlyList<CovariateShiftRun> Runs,
    IReadOnlyList<string> Findings);

internal static class CovariateShiftExperiment
{
    public const string Name = "covariate-shift";

    public static CovariateShiftReport Run(ExperimentContext context)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var config = context.Config.CovariateShift;
        var train = context.Train.Take(config.TrainSubset);
        var probeCount = Math.Min(config.ProbeImages, context.Test.Count);
        using var probe = context.Test.Images.narrow(0, 0, probeCount);
        var runs = new List<CovariateShiftRun>();
        foreach (var variant in config.Variants)
        {
            var points = new List<PercentilePoint>();
            var perUnit = new List<double[][]>(); // record → percentile → unit
            var settings = new RunSettings(config.Model, variant, config.Optimizer, config.LearningRate, context.Config.SgdMomentum,
                config.BatchSize, config.Steps, context.Config.BatchNorm, context.Config.Seed);
            long units = 0;
            var outcome = ExperimentTrainer.Run(settings, train, context.Test, config.RecordEverySteps, evaluateAtStart: true,
                observe: (step, model) =>
                {
                    units = model.Probe.HiddenUnits(config.HiddenLayer);
                    if (config.Unit >= units)
                        throw new ConfigException($"experiments.covariate_shift.unit: {config.Unit} is out of range; hidden layer {config.HiddenLayer} of {config.Model} has {units} units (0–{units - 1})");
                    using var scope = NewDisposeScope();
                    var values = PerUnit(model.Probe.PreActivation(probe, config.HiddenLayer));
                    var percentiles = Percentiles(values, config.Percentiles);
                    perUnit.Add(percentiles);
                    points.Add(new PercentilePoint(step, [.. percentiles.Select(p => p[config.Unit])], double.NaN));
                },
                cancel: context.Cancel);
            // The observer runs right after each evaluation, so the points and evaluations pair up by step.
            var accuracy = outcome.Evaluations.ToDictionary(e => e.Step, e => e.TestAccuracy);
            points = [.. points.Select(p => p with { TestAccuracy = accuracy.GetValueOrDefault(p.Step, double.NaN) })];
            var run = new CovariateShiftRun(variant, outcome.Status, units, points, Drift(perUnit), outcome.FinalTestAccuracy, outcome.Seconds);
            runs.Add(run);
            context.Log($"{Name}: {variant}: median range {run.Drift.MedianRange:F3}, relative {run.Drift.RelativeMedianRange:F3}, " +
                        $"final test accuracy {ExperimentFiles.Percent(run.FinalTestAccuracy)} ({outcome.Seconds:F1} s)");
        }
        var header = new ExperimentHeader(Name, DateTimeOffset.UtcNow, context.Command, clock.Elapsed.TotalSeconds,
            train.Count, context.Test.Count, TorchSharp.torch.get_num_threads(), LrSweepExperiment.Machine());
        return new CovariateShiftReport(header, new(context.Shared, config), runs, Findings(config, runs));
    }

    /// <summary>[N, units] from [N, units] or [N, channels, H, W] (every position of a channel is one sample of that unit).</summary>
    public static Tensor PerUnit(Tensor preActivation) =>
        preActivation.dim() == 2 ? preActivation : preActivation.transpose(0, 1).flatten(1).transpose(0, 1);

    /// <summary>
    /// Percentiles of each column of <paramref name="values"/> [N, units], with linear interpolation
    /// between order statistics (numpy's default): result[p][unit].
    /// </summary>
    public static double[][] Percentiles(Tensor values, IReadOnlyList<double> fractions)
    {
        using var scope = NewDisposeScope();
        var sorted = values.to_type(ScalarType.Float64).sort(0).Values;
        var n = sorted.shape[0];
        var result = new double[fractions.Count][];
        for (var i = 0; i < fractions.Count; i++)
        {
            var position = fractions[i] * (n - 1);
            var lower = (long)Math.Floor(position);
            var upper = Math.Min(lower + 1, n - 1);
            var weight = position - lower;
            var value = sorted[lower] * (1 - weight) + sorted[upper] * weight;
            result[i] = value.data<double>().ToArray();
        }
        return result;
    }

    /// <summary>Drift over the records after the first (step 0, before any training, is left out).</summary>
    public static DriftSummary Drift(IReadOnlyList<double[][]> records)
    {
        var later = records.Skip(1).ToList();
        if (later.Count == 0)
            return new DriftSummary(double.NaN, double.NaN, double.NaN, double.NaN);
        var percentiles = later[0].Length;
        var middle = percentiles / 2;
        var units = later[0][0].Length;
        double medianRange = 0, spreadRange = 0, meanSpread = 0, relative = 0;
        for (var u = 0; u < units; u++)
        {
            var medians = later.Select(r => r[middle][u]).ToList();
            var spreads = later.Select(r => r[percentiles - 1][u] - r[0][u]).ToList();
            var range = medians.Max() - medians.Min();
            medianRange += range;
            spreadRange += spreads.Max() - spreads.Min();
            meanSpread += spreads.Average();
            relative += range / Math.Max(spreads.Average(), 1e-12);
        }
        return new DriftSummary(medianRange / units, spreadRange / units, meanSpread / units, relative / units);
    }

    private static List<string> Findings(CovariateShiftConfig config, IReadOnlyList<CovariateShiftRun> runs)
    {
        var findings = new List<string>
        {
            "Movement of the activation inputs after the first record, averaged over all units of hidden layer " +
            $"{config.HiddenLayer}: median range (relative to the unit's spread) — " +
            string.Join("; ", runs.Select(r => $"{ExperimentModels.Label(config.Model, r.Variant)}: {ExperimentFiles.Number(r.Drift.MedianRange, 3)} " +
                                                 $"({ExperimentFiles.Number(r.Drift.RelativeMedianRange, 3)} of the spread)")) + ".",
            $"Unit {config.Unit}, first record → last record, percentiles {string.Join("/", config.Percentiles.Select(p => ExperimentFiles.Rate(p * 100)))}: " +
            string.Join("; ", runs.Select(r => $"{ExperimentModels.Label(config.Model, r.Variant)}: " +
                $"[{string.Join(", ", r.Points.Skip(1).FirstOrDefault()?.Values.Select(v => ExperimentFiles.Number(v, 2)) ?? [])}] → " +
                $"[{string.Join(", ", r.Points[^1].Values.Select(v => ExperimentFiles.Number(v, 2)))}]")) + ".",
            $"Test accuracy after {config.Steps:N0} steps — " +
            string.Join("; ", runs.Select(r => $"{ExperimentModels.Label(config.Model, r.Variant)}: {ExperimentFiles.Percent(r.FinalTestAccuracy)}")) + ".",
        };
        return findings;
    }

    public static string Render(CovariateShiftReport report)
    {
        var config = report.Config.Experiment;
        var md = new StringBuilder();
        ExperimentFiles.AppendHeader(md, "Experiment 3: internal covariate shift (the paper's Figure 1)",
            "without BN the distribution of a hidden activation's input changes significantly over training, in mean and variance; " +
            "with BN it is much more stable, which helps training (section 4.1, Figure 1(b, c)).",
            report.Header);
        md.AppendLine($"Network: {config.Model}{(config.Model == "mlp" ? " (the paper's 784 → 100 → 100 → 100 → 10, sigmoid)" : "")}, " +
                      $"{LrSweepExperiment.Optimizer(config.Optimizer)} lr {ExperimentFiles.Rate(config.LearningRate)}, batch {config.BatchSize}, {config.Steps:N0} steps. " +
                      $"Tracked: the input to the activation of hidden layer {config.HiddenLayer} (after BN when BN sits before the activation), " +
                      $"on the first {Math.Min(config.ProbeImages, report.Header.TestImages):N0} test images, every {config.RecordEverySteps:N0} steps, in eval mode. " +
                      "The charts show one unit as the paper does; the drift numbers cover all units.").AppendLine();
        ExperimentFiles.AppendFindings(md, report.Findings);
        md.AppendLine("## Drift of the activation inputs (all units)").AppendLine();
        md.AppendLine("| variant | units | median range | spread range | mean spread | median range / spread | final test accuracy | status |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var r in report.Runs)
        {
            md.AppendLine($"| {ExperimentModels.Label(config.Model, r.Variant)} | {r.Units} | {ExperimentFiles.Number(r.Drift.MedianRange, 3)} | " +
                          $"{ExperimentFiles.Number(r.Drift.SpreadRange, 3)} | {ExperimentFiles.Number(r.Drift.MeanSpread, 3)} | " +
                          $"{ExperimentFiles.Number(r.Drift.RelativeMedianRange, 3)} | {ExperimentFiles.Percent(r.FinalTestAccuracy)} | {r.Status} |");
        }
        md.AppendLine();
        md.AppendLine($"## Unit {config.Unit} over training").AppendLine();
        var header = string.Join(" | ", report.Runs.SelectMany(r => config.Percentiles.Select(p => $"{ExperimentModels.Label(config.Model, r.Variant)} p{ExperimentFiles.Rate(p * 100)}")));
        md.AppendLine($"| step | {header} |");
        md.AppendLine("| ---: | " + string.Join(" | ", report.Runs.SelectMany(_ => config.Percentiles).Select(_ => "---:")) + " |");
        var steps = report.Runs.SelectMany(r => r.Points.Select(p => p.Step)).Distinct().Order().ToList();
        foreach (var step in Thin(steps, 11))
        {
            var cells = report.Runs.SelectMany(r => r.Points.FirstOrDefault(p => p.Step == step) is { } point
                ? point.Values.Select(v => ExperimentFiles.Number(v, 3))
                : config.Percentiles.Select(_ => ""));
            md.AppendLine($"| {step:N0} | {string.Join(" | ", cells)} |");
        }
        md.AppendLine();
        ExperimentFiles.AppendChart(md, "test accuracy against step (Figure 1a)", $"{Name}-accuracy");
        foreach (var r in report.Runs)
            ExperimentFiles.AppendChart(md, $"activation-input percentiles, {r.Variant}", $"{Name}-{r.Variant}");
        ExperimentFiles.AppendConfig(md, report.Config, Name);
        return md.ToString();
    }

    // About `count` evenly spaced entries, always keeping the first and the last.
    private static IEnumerable<int> Thin(IReadOnlyList<int> steps, int count)
    {
        if (steps.Count <= count)
            return steps;
        return Enumerable.Range(0, count).Select(i => steps[(int)Math.Round(i * (steps.Count - 1) / (double)(count - 1))]).Distinct();
    }

    public static string Write(CovariateShiftReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var config = report.Config.Experiment;
        LineChart.WriteXy("Test accuracy during training (Figure 1a)", new XyAxes("training step", "test accuracy", YMin: 0, YMax: 1),
            [.. report.Runs.Select((r, i) => new XySeries(ExperimentModels.Label(config.Model, r.Variant), [.. r.Points.Select(p => ((double)p.Step, p.TestAccuracy))], i))],
            Path.Combine(directory, $"{Name}-accuracy"));
        // One y range for every variant's chart, so the spreads compare at a glance.
        var all = report.Runs.SelectMany(r => r.Points.SelectMany(p => p.Values)).Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        var margin = 0.05 * Math.Max(all.Max() - all.Min(), 1e-6);
        foreach (var (r, i) in report.Runs.Select((r, i) => (r, i)))
        {
            var series = config.Percentiles.Select((p, k) => new XySeries($"p{ExperimentFiles.Rate(p * 100)}",
                [.. r.Points.Select(point => ((double)point.Step, point.Values[k]))], i, Dashed: k != config.Percentiles.Count / 2)).ToList();
            LineChart.WriteXy($"{ExperimentModels.Label(config.Model, r.Variant)}: input to hidden layer {config.HiddenLayer}'s activation, unit {config.Unit}",
                new XyAxes("training step", "pre-activation", YMin: all.Min() - margin, YMax: all.Max() + margin), series, Path.Combine(directory, $"{Name}-{r.Variant}"));
        }
        return ExperimentFiles.Write(directory, Name, report, Render(report));
    }
}
