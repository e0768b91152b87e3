// The inference-time state of one BatchNorm layer as plain arrays: what folding and the unfolded
// BatchNormalization node need, and nothing TorchSharp-specific.
namespace MnistBn.OnnxExport.Weights;

/// <summary>γ, β, running mean, running variance (PyTorch convention: used as-is at inference) and ε.</summary>
public sealed record BatchNormStatistics(float[] Gamma, float[] Beta, float[] RunningMean, float[] RunningVar, float Epsilon)
{
    /// <summary>Number of normalised channels (features).</summary>
    public int Channels => Gamma.Length;

    /// <summary>The per-channel scale and shift these statistics apply (<see cref="BatchNormAffine"/>).</summary>
    public (float[] Scale, float[] Shift) Affine() => BatchNormAffine.Of(Gamma, Beta, RunningMean, RunningVar, Epsilon);
}
