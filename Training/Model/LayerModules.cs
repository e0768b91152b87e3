// The TorchSharp modules that hold a described layer's weights, created in layer order with PyTorch's
// default initialisation. BatchNorm is the project's own module, handed the training-mode node that
// KernelChoice.cs chooses.
using MnistBn.Network.Description;
using static TorchSharp.torch;

namespace MnistBn.Training.Model;

internal static class LayerModules
{
    /// <summary>The module of <paramref name="layer"/> (null for layers without weights); <paramref name="inputRank"/> excludes the batch.</summary>
    public static nn.Module<Tensor, Tensor>? Create(Layer layer, int inputRank, KernelChoice kernels) => layer switch
    {
        ConvLayer c => nn.Conv2d(c.InChannels, c.OutChannels, c.Kernel, stride: c.Stride, padding: c.Padding, bias: c.Bias),
        LinearLayer l => nn.Linear(l.InFeatures, l.OutFeatures, hasBias: l.Bias),
        BatchNormLayer b when inputRank == 3 => new BatchNorm2d(b.Features, b.Momentum, b.Epsilon, b.Name) { TrainingNode = kernels.BatchNormTraining() },
        BatchNormLayer b => new BatchNorm1d(b.Features, b.Momentum, b.Epsilon, b.Name) { TrainingNode = kernels.BatchNormTraining() },
        _ => null,
    };
}
