// The per-channel scalars of training-mode batch normalisation's forward pass, shared by
// BatchNormFunction and the fused BatchNormPoolFunction (the backward's are in BatchNormBackward.cs).
// With m values per channel, r = 1/√(σ² + ε):
//   y = x·scale + shift, scale = γr, shift = β − μγr (BatchNormAffine)
// Scalars are computed in double and stored as float for the kernels.
using MnistBn.OnnxExport.Weights;
using MnistBn.Training.Model.Kernels;
using MnistBn.Training.DataParallel;
using static TorchSharp.torch;

namespace MnistBn.Training.Model.Autograd;

/// <summary>
/// The arguments of both training-mode BN autograd functions (BatchNormFunction, BatchNormPoolFunction), in
/// the order they pass them to <c>apply</c>; <see cref="Of"/> reads them back in <c>forward</c>.
/// </summary>
internal readonly record struct BatchNormArguments(Tensor Input, Tensor Gamma, Tensor Beta, double Epsilon, BatchStatistics Statistics)
{
    public object[] ToApply() => [Input, Gamma, Beta, Epsilon, Statistics];

    public static BatchNormArguments Of(object[] vars) =>
        new((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (double)vars[3], (BatchStatistics)vars[4]);
}

/// <summary>What the forward pass keeps per channel for the kernels and the backward pass.</summary>
internal sealed record BatchNormForward(float[] Mean, float[] InvStd, float[] Gamma, float[] Scale, float[] Shift)
{
    /// <summary>
    /// The batch statistics of <paramref name="x"/> (the contiguous input; over the whole split batch when the
    /// batch is split), recorded in <paramref name="arguments"/>' BatchStatistics, and the scalars from them.
    /// </summary>
    public static BatchNormForward Measure(ChannelLayout layout, Tensor x, BatchNormArguments arguments)
    {
        var (mean, variance, count) = layout.Statistics(x, arguments.Statistics.Reducer);
        arguments.Statistics.Set(mean, variance, count);
        return From(mean, variance, arguments.Gamma, arguments.Beta, arguments.Epsilon);
    }

    private static BatchNormForward From(double[] mean, double[] variance, Tensor gamma, Tensor beta, double epsilon)
    {
        var (gammaValues, betaValues) = (Values(gamma), Values(beta));
        var channels = mean.Length;
        var (meanF, invStd, scale, shift) = (new float[channels], new float[channels], new float[channels], new float[channels]);
        for (var c = 0; c < channels; c++)
        {
            var (channelScale, channelShift) = BatchNormAffine.Of(gammaValues[c], betaValues[c], mean[c], variance[c], epsilon);
            meanF[c] = (float)mean[c];
            invStd[c] = (float)(1 / Math.Sqrt(variance[c] + epsilon));
            scale[c] = (float)channelScale;
            shift[c] = (float)channelShift;
        }
        return new BatchNormForward(meanF, invStd, gammaValues, scale, shift);
    }

    // γ and β are contiguous leaf parameters: their memory can be read without a detached view.
    private static float[] Values(Tensor parameter) => TensorMemory.Floats(parameter).ToArray();
}
