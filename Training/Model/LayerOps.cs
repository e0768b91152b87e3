// What each described layer computes, on either kernel choice. The reference ops are the definition:
// TorchSharp's own conv2d, linear, max_pool2d, relu and sigmoid, and BatchNorm's Algorithm 1. The fast
// ops compute the same on the C# kernels where one exists for the layer's shape (3×3 valid convolutions,
// 2×2 pooling, BatchNorm), and fall back to the reference op elsewhere.
using MnistBn.Training.Model.Autograd;
using MnistBn.Network.Description;
using MnistBn.Training.DataParallel;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Model;

/// <summary>One step of a forward pass: a layer, or (fast kernels) a fused run of layers.</summary>
internal sealed record LayerOp(string Name, Func<Tensor, BatchStatisticsReducer, Tensor> Run);

/// <summary>The TorchSharp modules that hold a layer's weights.</summary>
internal static class LayerModules
{
    /// <summary>The module of <paramref name="layer"/> (null for layers without weights); <paramref name="inputRank"/> excludes the batch.</summary>
    public static nn.Module<Tensor, Tensor>? Create(Layer layer, int inputRank, KernelChoice kernels) => layer switch
    {
        ConvLayer c => nn.Conv2d(c.InChannels, c.OutChannels, c.Kernel, stride: c.Stride, padding: c.Padding, bias: c.Bias),
        LinearLayer l => nn.Linear(l.InFeatures, l.OutFeatures, hasBias: l.Bias),
        BatchNormLayer b when inputRank == 3 => new BatchNorm2d(b.Features, b.Momentum, b.Epsilon, b.Name, kernels),
        BatchNormLayer b => new BatchNorm1d(b.Features, b.Momentum, b.Epsilon, b.Name, kernels),
        _ => null,
    };
}

/// <summary>The op of one layer.</summary>
internal static class LayerOps
{
    public static LayerOp Of(Layer layer, nn.Module<Tensor, Tensor>? module, KernelChoice kernels)
    {
        var fast = kernels == KernelChoice.Fast;
        Func<Tensor, BatchStatisticsReducer, Tensor> run = layer switch
        {
            ConvLayer c when fast && IsValid3x3(c) && c.InChannels == 1 => (x, _) => SingleChannelConvFunction.Call((TorchSharp.Modules.Conv2d)module!, x),
            ConvLayer c when fast && IsValid3x3(c) => (x, _) => Conv3x3Function.Call((TorchSharp.Modules.Conv2d)module!, x),
            ConvLayer or LinearLayer => (x, _) => module!.call(x),
            BatchNormLayer => ((BatchNorm)module!).Forward,
            ActivationLayer { Function: ActivationFunction.Relu } => (x, _) => F.relu(x),
            ActivationLayer { Function: ActivationFunction.Sigmoid } => (x, _) => x.sigmoid(),
            MaxPoolLayer p when fast && IsPool2x2(p) => (x, _) => MaxPool2x2Function.Pool(x),
            MaxPoolLayer p => (x, _) => F.max_pool2d(x, p.Kernel, p.Stride),
            FlattenLayer => (x, _) => x.flatten(1),
            _ => throw new ArgumentException($"layer '{layer.Name}' ({layer.GetType().Name}) has no TorchSharp op"),
        };
        return new LayerOp(layer.Name, run);
    }

    /// <summary>A convolution the fast 3×3 kernels handle: 3×3, stride 1, no padding.</summary>
    public static bool IsValid3x3(ConvLayer conv) => conv is { Kernel: 3, Stride: 1, Padding: 0 };

    /// <summary>A pooling the fast 2×2 kernels handle: 2×2 windows, stride 2.</summary>
    public static bool IsPool2x2(MaxPoolLayer pool) => pool is { Kernel: 2, Stride: 2 };
}
