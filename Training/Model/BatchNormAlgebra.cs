// The per-channel scalars of training-mode batch normalisation, shared by BatchNormFunction and the
// fused BatchNormPoolFunction. With m values per channel, r = 1/√(σ² + ε) and x̂ = (x − μ)·r:
//   forward:  y = x·scale + shift, scale = γr, shift = β − μγr
//   backward: dβ = Σ dy, dγ = r·Σ dy·(x − μ), dx = a·dy + b·(x − μ) + k
//             with a = γr, b = −γr²·dγ/m, k = −a·dβ/m   (Ioffe & Szegedy §3, rearranged)
// Scalars are computed in double and stored as float for the kernels.
using MnistBn.Training.Model.Kernels;
using static TorchSharp.torch;

namespace MnistBn.Training.Model;

/// <summary>What the forward pass keeps per channel for the kernels and the backward pass.</summary>
internal sealed record BatchNormForward(float[] Mean, float[] InvStd, float[] Gamma, float[] Scale, float[] Shift)
{
    public static BatchNormForward From(double[] mean, double[] variance, Tensor gamma, Tensor beta, double epsilon)
    {
        var (gammaValues, betaValues) = (Values(gamma), Values(beta));
        var channels = mean.Length;
        var (meanF, invStd, scale, shift) = (new float[channels], new float[channels], new float[channels], new float[channels]);
        for (var c = 0; c < channels; c++)
        {
            var r = 1 / Math.Sqrt(variance[c] + epsilon);
            meanF[c] = (float)mean[c];
            invStd[c] = (float)r;
            scale[c] = (float)(gammaValues[c] * r);
            shift[c] = (float)(betaValues[c] - mean[c] * gammaValues[c] * r);
        }
        return new BatchNormForward(meanF, invStd, gammaValues, scale, shift);
    }

    // γ and β are contiguous leaf parameters: their memory can be read without a detached view.
    private static float[] Values(Tensor parameter) => TensorMemory.Floats(parameter).ToArray();
}

/// <summary>The parameter gradients and the coefficients of dx = a·dy + b·(x − μ) + k.</summary>
internal sealed record BatchNormBackward(float[] GradGamma, float[] GradBeta, float[] A, float[] B, float[] K)
{
    /// <param name="sumGrad">Σ dy per channel.</param>
    /// <param name="sumGradCentered">Σ dy·(x − μ) per channel.</param>
    public static BatchNormBackward From(BatchNormForward forward, double[] sumGrad, double[] sumGradCentered, double count)
    {
        var channels = sumGrad.Length;
        var (gradGamma, gradBeta) = (new float[channels], new float[channels]);
        var (a, b, k) = (new float[channels], new float[channels], new float[channels]);
        for (var c = 0; c < channels; c++)
        {
            double r = forward.InvStd[c], dGamma = r * sumGradCentered[c], dBeta = sumGrad[c];
            var gammaR = forward.Gamma[c] * r;
            gradGamma[c] = (float)dGamma;
            gradBeta[c] = (float)dBeta;
            a[c] = (float)gammaR;
            b[c] = (float)(-gammaR * r * dGamma / count);
            k[c] = (float)(-gammaR * dBeta / count);
        }
        return new BatchNormBackward(gradGamma, gradBeta, a, b, k);
    }

    public Tensor GammaTensor() => tensor(GradGamma);

    public Tensor BetaTensor() => tensor(GradBeta);
}
