// How a hand-written BatchNorm module tells the exporter what it computes at inference:
// y = (x − running_mean)/√(running_var + ε)·γ + β over dimension 1. TorchSharp's own BatchNorm1d/2d/3d
// are read directly; any other module that implements this exports the same way (MnistBn's own
// BatchNorm does), and is folded into the conv/linear layer before it like the built-in ones.
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.TorchSharp;

/// <summary>A BatchNorm module's inference-time parameters.</summary>
public interface IBatchNormModule
{
    /// <summary>γ, one per channel; null when the module has no affine scale (γ = 1).</summary>
    Tensor? Weight { get; }

    /// <summary>β, one per channel; null when the module has no affine shift (β = 0).</summary>
    Tensor? Bias { get; }

    /// <summary>The running mean used at inference.</summary>
    Tensor RunningMean { get; }

    /// <summary>The running (unbiased) variance used at inference.</summary>
    Tensor RunningVar { get; }

    /// <summary>Added to the variance before the square root.</summary>
    double Epsilon { get; }
}
