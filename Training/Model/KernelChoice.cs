// pipeline.yaml's `training.kernels`: which implementation of the network's layers trains.
// `reference` is the readable definition — TorchSharp's conv2d and max_pool2d, BatchNorm written as the
// paper's Algorithm 1 in tensor ops (BatchNorm.cs), autograd's backward and optim.Adam; `fast` runs the
// same math on the C# kernels of Model/Kernels (fused BN → pool → ReLU, hand-written backward passes,
// one-pass Adam). Tests pin `fast` to `reference` layer by layer and for whole training steps.
using MnistBn.Shared.Configuration;

namespace MnistBn.Training.Model;

/// <summary>The implementation a network's layers run on.</summary>
public enum KernelChoice
{
    /// <summary>The C# kernels: the default, several times faster.</summary>
    Fast,

    /// <summary>Plain TorchSharp tensor ops: the readable definition the fast kernels are tested against.</summary>
    Reference,
}

/// <summary>Reads <c>training.kernels</c> (validated by the config loader).</summary>
public static class KernelChoices
{
    /// <summary>The choice <paramref name="training"/> names.</summary>
    public static KernelChoice Of(TrainingConfig training) =>
        training.Kernels == TrainingConfig.ReferenceKernels ? KernelChoice.Reference : KernelChoice.Fast;
}
