// The two memory layouts BatchNorm normalises, each with its C# kernel; the autograd functions
// (BatchNormFunction, BatchNormPoolFunction) call the kernels through this, never by layout.
using MnistBn.Training.DataParallel;
using MnistBn.Training.Model.Kernels;
using static TorchSharp.torch;

namespace MnistBn.Training.Model.Autograd;

/// <summary>
/// Which kernel a BN input goes to: [N, C] features (FeatureBatchNormKernel, rows of C channels) or
/// [N, C, H, W] maps (BatchNormKernel, viewed as [N, C, H·W]). Size is the values per channel and sample.
/// The methods take contiguous float32 CPU tensors of the input's shape.
/// </summary>
internal sealed record ChannelLayout(bool Features, int Batch, int Channels, int Size)
{
    public static ChannelLayout Of(Tensor input) => input.dim() switch
    {
        4 => new(false, (int)input.shape[0], (int)input.shape[1], (int)(input.shape[2] * input.shape[3])),
        2 => new(true, (int)input.shape[0], (int)input.shape[1], 1),
        _ => throw new ArgumentException($"batch normalisation needs [N, C] or [N, C, H, W], got [{string.Join(", ", input.shape)}]"),
    };

    /// <summary>Values per channel in this input (m in the BN formulas, unless the batch is split).</summary>
    public double Count => (double)Batch * Size;

    /// <summary>
    /// Per channel: the batch mean and the biased variance, and the values per channel they cover; over the
    /// whole batch when <paramref name="reducer"/> is a part of a split one.
    /// </summary>
    public (double[] Mean, double[] Variance, double Count) Statistics(Tensor x, BatchStatisticsReducer reducer)
    {
        var values = TensorMemory.Floats(x);
        var sums = new double[Channels];
        if (Features)
            FeatureBatchNormKernel.ChannelSums(values, Batch, Channels, sums);
        else
            BatchNormKernel.ChannelSums(values, Batch, Channels, Size, sums);
        var mean = new double[Channels];
        for (var c = 0; c < Channels; c++)
            mean[c] = sums[c] / Count;
        // Squared deviations from the mean in a second pass, not E[x²] − E[x]² (float would cancel).
        var squares = new double[Channels];
        if (Features)
            FeatureBatchNormKernel.SquaredDeviationSums(values, Batch, Channels, mean, squares);
        else
            BatchNormKernel.SquaredDeviationSums(values, Batch, Channels, Size, mean, squares);
        if (reducer.IsSplit)
            return CombineOverBatch(sums, mean, squares, reducer);
        var variance = new double[Channels];
        for (var c = 0; c < Channels; c++)
            variance[c] = squares[c] / Count;
        return (mean, variance, Count);
    }

    /// <summary>
    /// The whole split batch's statistics from each part's sum and squared deviations, in one exchange (the
    /// parts meet once per layer and direction): Σx and Σ(x − x̄ₚ)² + Σx·x̄ₚ = Σx² per part are added up,
    /// then σ² = Σx²/m − μ². The parts' own deviations keep float rounding out; the subtraction is in
    /// double, which loses ~1e-16·μ²/σ² — nothing for activations whose mean is not 10⁶ standard deviations.
    /// </summary>
    private (double[] Mean, double[] Variance, double Count) CombineOverBatch(double[] sums, double[] partMean, double[] squares, BatchStatisticsReducer reducer)
    {
        var exchanged = new double[2 * Channels + 1];
        for (var c = 0; c < Channels; c++)
        {
            exchanged[c] = sums[c];
            exchanged[Channels + c] = squares[c] + sums[c] * partMean[c];
        }
        exchanged[2 * Channels] = Count;
        reducer.SumOverBatch(exchanged);
        var count = exchanged[2 * Channels];
        var (mean, variance) = (new double[Channels], new double[Channels]);
        for (var c = 0; c < Channels; c++)
        {
            mean[c] = exchanged[c] / count;
            variance[c] = Math.Max(0, exchanged[Channels + c] / count - mean[c] * mean[c]);
        }
        return (mean, variance, count);
    }

    /// <summary>y = x·scale + shift per channel.</summary>
    public void ScaleShift(Tensor x, Tensor y, BatchNormForward coefficients)
    {
        if (Features)
            FeatureBatchNormKernel.ScaleShift(TensorMemory.Floats(x), TensorMemory.Floats(y), Batch, Channels, coefficients.Scale, coefficients.Shift);
        else
            BatchNormKernel.ScaleShift(TensorMemory.Floats(x), TensorMemory.Floats(y), Batch, Channels, Size, coefficients.Scale, coefficients.Shift);
    }

    /// <summary>Per channel: Σ dy and Σ dy·(x − mean) over this input.</summary>
    public (double[] SumGrad, double[] SumGradCentered) GradientSums(Tensor dy, Tensor x, float[] mean)
    {
        var (sumGrad, sumGradCentered) = (new double[Channels], new double[Channels]);
        if (Features)
            FeatureBatchNormKernel.GradientSums(TensorMemory.Floats(dy), TensorMemory.Floats(x), Batch, Channels, mean, sumGrad, sumGradCentered);
        else
            BatchNormKernel.GradientSums(TensorMemory.Floats(dy), TensorMemory.Floats(x), Batch, Channels, Size, mean, sumGrad, sumGradCentered);
        return (sumGrad, sumGradCentered);
    }

    /// <summary>dx = a·dy + b·(x − mean) + k per channel.</summary>
    public void InputGradient(Tensor dy, Tensor x, Tensor dx, float[] mean, BatchNormBackward coefficients)
    {
        if (Features)
            FeatureBatchNormKernel.InputGradient(TensorMemory.Floats(dy), TensorMemory.Floats(x), TensorMemory.Floats(dx), Batch, Channels,
                mean, coefficients.A, coefficients.B, coefficients.K);
        else
            BatchNormKernel.InputGradient(TensorMemory.Floats(dy), TensorMemory.Floats(x), TensorMemory.Floats(dx), Batch, Channels, Size,
                mean, coefficients.A, coefficients.B, coefficients.K);
    }
}
