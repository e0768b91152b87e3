// The per-channel scalars of training-mode batch normalisation's backward pass (the forward's are in
// BatchNormForward.cs). With m values per channel, r = 1/√(σ² + ε):
//   dβ = Σ dy, dγ = r·Σ dy·(x − μ), dx = a·dy + b·(x − μ) + k
//   with a = γr, b = −γr²·dγ/m, k = −a·dβ/m   (Ioffe & Szegedy §3, rearranged)
// Scalars are computed in double and stored as float for the kernels.
using MnistBn.Training.DataParallel;
using static TorchSharp.torch;

namespace MnistBn.Training.Model.Autograd;

/// <summary>The parameter gradients and the coefficients of dx = a·dy + b·(x − μ) + k.</summary>
internal sealed record BatchNormBackward(float[] GradGamma, float[] GradBeta, float[] A, float[] B, float[] K)
{
    /// <param name="sumGrad">Σ dy per channel over this input.</param>
    /// <param name="sumGradCentered">Σ dy·(x − μ) per channel over this input.</param>
    /// <param name="statistics">The forward pass's statistics: the count m and, for a split batch, the reducer.</param>
    /// <remarks>
    /// In a split batch (BatchStatisticsReducer) dx needs the sums over the whole batch, while γ and β get this part's
    /// share: the split step adds the parts' parameter gradients up. Unsplit, both are the same sums.
    /// </remarks>
    public static BatchNormBackward From(BatchNormForward forward, double[] sumGrad, double[] sumGradCentered, BatchStatistics statistics)
    {
        var (totalGrad, totalCentered) = SumOverBatch(sumGrad, sumGradCentered, statistics.Reducer);
        var count = statistics.Count;
        var channels = sumGrad.Length;
        var (gradGamma, gradBeta) = (new float[channels], new float[channels]);
        var (a, b, k) = (new float[channels], new float[channels], new float[channels]);
        for (var c = 0; c < channels; c++)
        {
            double r = forward.InvStd[c], dGamma = r * totalCentered[c], dBeta = totalGrad[c];
            var gammaR = forward.Gamma[c] * r;
            gradGamma[c] = (float)(r * sumGradCentered[c]);
            gradBeta[c] = (float)sumGrad[c];
            a[c] = (float)gammaR;
            b[c] = (float)(-gammaR * r * dGamma / count);
            k[c] = (float)(-gammaR * dBeta / count);
        }
        return new BatchNormBackward(gradGamma, gradBeta, a, b, k);
    }

    /// <summary>Both per-channel sums added up over the parts in one exchange (the same arrays for an unsplit batch).</summary>
    private static (double[] SumGrad, double[] SumGradCentered) SumOverBatch(double[] sumGrad, double[] sumGradCentered, BatchStatisticsReducer reducer)
    {
        if (!reducer.IsSplit)
            return (sumGrad, sumGradCentered);
        var both = new double[sumGrad.Length + sumGradCentered.Length];
        sumGrad.CopyTo(both, 0);
        sumGradCentered.CopyTo(both, sumGrad.Length);
        reducer.SumOverBatchInBackward(both);
        return (both[..sumGrad.Length], both[sumGrad.Length..]);
    }

    /// <summary>One gradient per <see cref="BatchNormArguments"/> argument: dx, dγ, dβ; ε and the statistics get none.</summary>
    public List<Tensor> Gradients(Tensor gradInput) => [gradInput, tensor(GradGamma), tensor(GradBeta), null!, null!];
}
