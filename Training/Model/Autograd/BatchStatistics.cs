// What a training-mode BatchNorm pass measured, handed back to the module for its running statistics.
using MnistBn.Training.DataParallel;

namespace MnistBn.Training.Model.Autograd;

/// <summary>
/// The per-channel batch mean and biased variance of one training-mode forward pass, over the whole
/// batch also when the batch is split over threads (<see cref="Reducer"/>, captured for the backward pass).
/// </summary>
internal sealed class BatchStatistics(BatchStatisticsReducer reducer)
{
    /// <summary>The part of the batch this pass trains on, and how its sums reach the whole batch.</summary>
    public BatchStatisticsReducer Reducer { get; } = reducer;

    public double[] Mean { get; private set; } = [];

    public double[] Variance { get; private set; } = [];

    /// <summary>Values per channel in the whole batch (m in the BN formulas).</summary>
    public double Count { get; private set; }

    public void Set(double[] mean, double[] variance, double count) => (Mean, Variance, Count) = (mean, variance, count);
}
