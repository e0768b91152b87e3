// BatchNorm at inference is an affine map per channel: y = (x − μ)/√(σ² + ε)·γ + β = x·scale + shift.
// This is the one place that formula is written: eval mode of Training's BatchNorm, the training-mode
// kernels (with the batch's μ and σ²) and BatchNorm folding at export all call it.
namespace MnistBn.OnnxExport.Weights;

/// <summary>The per-channel scale and shift of batch normalisation with given statistics.</summary>
public static class BatchNormAffine
{
    /// <summary>scale = γ/√(σ² + ε), shift = β − μ·scale, in double.</summary>
    public static (double Scale, double Shift) Of(double gamma, double beta, double mean, double variance, double epsilon)
    {
        var scale = gamma / Math.Sqrt(variance + epsilon);
        return (scale, beta - mean * scale);
    }

    /// <summary><see cref="Of(double, double, double, double, double)"/> for every channel, rounded once to float.</summary>
    public static (float[] Scale, float[] Shift) Of(
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, double epsilon)
    {
        var (scale, shift) = (new float[gamma.Length], new float[gamma.Length]);
        for (var c = 0; c < gamma.Length; c++)
        {
            var (s, b) = Of(gamma[c], beta[c], mean[c], variance[c], epsilon);
            (scale[c], shift[c]) = ((float)s, (float)b);
        }
        return (scale, shift);
    }
}
