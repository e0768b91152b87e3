// Experiment 3: the percentile arithmetic against a hand-computed case, and the experiment at toy
// scale on the paper's MLP: one record per k steps, ordered percentiles, drift over every unit.
using MnistBn.Training.Experiments;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests.Experiments;

public sealed class CovariateShiftExperimentTests(TrainingFixture data) : IClassFixture<TrainingFixture>
{
    [Fact]
    public void Percentiles_interpolate_between_order_statistics_per_unit()
    {
        // Unit 0: 0..100 shuffled (p15 = 15); unit 1: 0, 10, 20, 30 repeated (p50 of 0..30 pattern).
        var unit0 = Enumerable.Range(0, 101).Select(i => (float)(i * 37 % 101)).ToArray();
        var unit1 = Enumerable.Range(0, 101).Select(i => (float)(i % 4 * 10)).ToArray();
        using var values = stack([tensor(unit0), tensor(unit1)], 1);

        var result = CovariateShiftExperiment.Percentiles(values, [0.15, 0.5, 0.85]);

        Assert.Equal([15, 50, 85], result.Select(p => p[0]));
        var sorted = unit1.Select(v => (double)v).Order().ToArray();
        Assert.Equal(sorted[15], result[0][1]);
        Assert.Equal(sorted[50], result[1][1]);
        Assert.Equal(sorted[85], result[2][1]);
    }

    [Fact]
    public void Conv_pre_activations_become_one_column_per_channel()
    {
        using var maps = arange(2 * 3 * 2 * 2, ScalarType.Float32).reshape(2, 3, 2, 2);
        using var perUnit = CovariateShiftExperiment.PerUnit(maps);
        Assert.Equal([8L, 3L], perUnit.shape);
        using var channel1 = maps.select(1, 1).flatten().sort().Values;
        using var column1 = perUnit.select(1, 1).contiguous().sort().Values;
        Assert.True(channel1.allclose(column1, rtol: 0, atol: 0));
    }

    [Fact]
    public void Drift_is_the_mean_range_of_each_units_median_after_the_first_record()
    {
        // Two records after the first; percentiles × units. Unit 0's median moves 1 → 3, unit 1's stays.
        double[][] Record(double median0, double median1) => [[median0 - 1, median1 - 2], [median0, median1], [median0 + 1, median1 + 2]];
        var drift = CovariateShiftExperiment.Drift([Record(100, 100), Record(1, 5), Record(3, 5)]);
        Assert.Equal(1.0, drift.MedianRange, 12);      // (2 + 0) / 2, the first record left out
        Assert.Equal(0.0, drift.SpreadRange, 12);
        Assert.Equal(3.0, drift.MeanSpread, 12);       // (2 + 4) / 2
        Assert.Equal(0.5, drift.RelativeMedianRange, 12); // (2/2 + 0/4) / 2
    }

    [Fact]
    public void Mlp_run_records_ordered_percentiles_every_k_steps_for_both_variants()
    {
        using var temp = new TempDirectory();
        var config = ExperimentTestSupport.Tiny();
        var settings = config.CovariateShift;
        var report = CovariateShiftExperiment.Run(ExperimentTestSupport.Context(data, config, temp.Path));
        var markdown = File.ReadAllText(CovariateShiftExperiment.Write(report, temp.Path));

        Assert.Equal(settings.Variants, report.Runs.Select(r => r.Variant));
        foreach (var run in report.Runs)
        {
            Assert.Equal(100, run.Units);
            Assert.Equal([0, 20, 40, 60], run.Points.Select(p => p.Step));
            Assert.All(run.Points, p =>
            {
                Assert.Equal(settings.Percentiles.Count, p.Values.Count);
                Assert.True(p.Values[0] <= p.Values[1] && p.Values[1] <= p.Values[2], $"step {p.Step}: {string.Join(", ", p.Values)}");
                Assert.InRange(p.TestAccuracy, 0, 1);
            });
            Assert.True(run.Drift.MedianRange >= 0 && run.Drift.SpreadRange >= 0);
            Assert.Contains(ExperimentFiles.Number(run.Drift.MedianRange, 3), markdown);
        }
        foreach (var chart in new[] { "covariate-shift-accuracy", "covariate-shift-nobn", "covariate-shift-bn" })
            Assert.True(File.Exists(Path.Combine(temp.Path, chart + ".png")), chart);
    }
}
