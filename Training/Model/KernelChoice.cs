// pipeline.yaml's `training.kernels`, decided here and nowhere else: what each layer, the fused runs of
// layers, the optimizer and the threads run on. `reference` is the readable definition: TorchSharp's
// conv2d, linear and max_pool2d, BatchNorm's Algorithm1 (BatchNorm.cs), autograd's backward and
// optim.Adam, on one unsplit batch. `fast` computes the same on the C# kernels (Model/Kernels, wrapped as
// autograd nodes in Model/Autograd) where one exists for the layer's shape, and the reference op
// elsewhere. KernelPinningTests pins `fast` to `reference` for whole training steps; the per-layer tests
// pin each kernel.
using MnistBn.Network.Description;
using MnistBn.Shared.Configuration;
using MnistBn.Training.DataParallel;
using MnistBn.Training.Loop;
using MnistBn.Training.Model.Autograd;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Model;

/// <summary>The implementation a network's layers run on.</summary>
public enum KernelChoice
{
    /// <summary>The C# kernels: the default, several times faster.</summary>
    Fast,

    /// <summary>Plain TorchSharp tensor ops: the readable definition the fast kernels are tested against.</summary>
    Reference,
}

/// <summary>One step of a forward pass: a layer, or (fast kernels) a fused run of layers.</summary>
internal sealed record LayerOp(string Name, Func<Tensor, BatchStatisticsReducer, Tensor> Run);

/// <summary>Everything <see cref="KernelChoice"/> decides.</summary>
public static class KernelChoices
{
    /// <summary>The choice <paramref name="training"/> names (validated by the config loader).</summary>
    public static KernelChoice Of(TrainingConfig training) =>
        training.Kernels == TrainingConfig.ReferenceKernels ? KernelChoice.Reference : KernelChoice.Fast;

    /// <summary>The autograd node training-mode BatchNorm is handed; null leaves it on its own Algorithm1.</summary>
    internal static BatchNormTrainingNode? BatchNormTraining(this KernelChoice kernels) =>
        kernels == KernelChoice.Fast ? BatchNormFunction.Normalize : null;

    /// <summary>
    /// What forward runs for <paramref name="description"/>, given each layer's module (null for layers without
    /// weights): one op per layer, and with the fast kernels two fusions that never materialise what lies between
    /// their layers. BatchNorm(conv maps) → ReLU → 2×2 max-pool is one node (BatchNormPoolFunction), ReLU → 2×2
    /// max-pool another (MaxPool2x2Function.PoolRelu); both pool before the ReLU, which gives the same values (ReLU
    /// and max commute) with a quarter of the ReLU work. The ONNX export writes the layers as described.
    /// </summary>
    internal static LayerOp[] Plan(this KernelChoice kernels, NetworkDescription description, IReadOnlyList<nn.Module<Tensor, Tensor>?> modules)
    {
        var layers = description.Layers;
        var plan = new List<LayerOp>();
        for (var i = 0; i < layers.Count; i++)
        {
            if (kernels == KernelChoice.Fast && IsReluPool(layers, i + 1) && modules[i] is BatchNorm2d { RunsFastKernel: true } norm)
            {
                plan.Add(new LayerOp($"{layers[i].Name}+{layers[i + 1].Name}+{layers[i + 2].Name}", (x, reducer) => norm.training
                    ? norm.Train(x, reducer, BatchNormPoolFunction.NormalizePoolRelu)
                    : MaxPool2x2Function.PoolRelu(norm.Forward(x, reducer))));
                i += 2;
            }
            else if (kernels == KernelChoice.Fast && IsReluPool(layers, i))
            {
                plan.Add(new LayerOp($"{layers[i].Name}+{layers[i + 1].Name}", (x, _) => MaxPool2x2Function.PoolRelu(x)));
                i += 1;
            }
            else
            {
                plan.Add(kernels.Op(layers[i], modules[i]));
            }
        }
        return [.. plan];
    }

    /// <summary>The op of one layer, on its own.</summary>
    internal static LayerOp Op(this KernelChoice kernels, Layer layer, nn.Module<Tensor, Tensor>? module)
    {
        var fast = kernels == KernelChoice.Fast;
        Func<Tensor, BatchStatisticsReducer, Tensor> run = layer switch
        {
            ConvLayer c when fast && IsValid3x3(c) && c.InChannels == 1 => (x, _) => SingleChannelConvFunction.Call((Conv2d)module!, x),
            ConvLayer c when fast && IsValid3x3(c) => (x, _) => Conv3x3Function.Call((Conv2d)module!, x),
            ConvLayer or LinearLayer => (x, _) => module!.call(x),
            BatchNormLayer => ((BatchNorm)module!).Forward, // the module runs the node it was given (BatchNormTraining above)
            ActivationLayer { Function: ActivationFunction.Relu } => (x, _) => F.relu(x),
            ActivationLayer { Function: ActivationFunction.Sigmoid } => (x, _) => x.sigmoid(),
            MaxPoolLayer p when fast && IsPool2x2(p) => (x, _) => MaxPool2x2Function.Pool(x),
            MaxPoolLayer p => (x, _) => F.max_pool2d(x, p.Kernel, p.Stride),
            FlattenLayer => (x, _) => x.flatten(1),
            _ => throw new ArgumentException($"layer '{layer.Name}' ({layer.GetType().Name}) has no TorchSharp op"),
        };
        return new LayerOp(layer.Name, run);
    }

    /// <summary>
    /// Adam: on the fast kernels SinglePassAdam (one vectorised pass per parameter, its update split over
    /// <paramref name="threads"/> when given), on the reference path TorchSharp's optim.Adam.
    /// </summary>
    internal static OptimizerHelper Adam(this KernelChoice kernels, IEnumerable<Parameter> parameters, double learningRate, double weightDecay,
        PartThreads? threads = null) => kernels == KernelChoice.Fast
            ? new SinglePassAdam(parameters, learningRate, weightDecay: weightDecay) { UpdateThreads = threads }
            : optim.Adam(parameters, learningRate, weight_decay: weightDecay);

    /// <summary>
    /// How <paramref name="threads"/> cores are used: on the fast kernels each batch is split into that many parts,
    /// one LibTorch thread each (DataParallel/SplitBatchStep.cs); the reference path trains one unsplit batch and
    /// lets LibTorch's own ops use the threads.
    /// </summary>
    public static (int BatchParts, int LibTorchThreads) Threads(this KernelChoice kernels, int threads) =>
        kernels == KernelChoice.Fast ? (threads, 1) : (1, threads);

    /// <summary>A convolution the fast 3×3 kernels handle: 3×3, stride 1, no padding.</summary>
    public static bool IsValid3x3(ConvLayer conv) => conv is { Kernel: 3, Stride: 1, Padding: 0 };

    /// <summary>A pooling the fast 2×2 kernels handle: 2×2 windows, stride 2.</summary>
    public static bool IsPool2x2(MaxPoolLayer pool) => pool is { Kernel: 2, Stride: 2 };

    private static bool IsReluPool(IReadOnlyList<Layer> layers, int i) =>
        i + 1 < layers.Count
        && layers[i] is ActivationLayer { Function: ActivationFunction.Relu }
        && layers[i + 1] is MaxPoolLayer pool && IsPool2x2(pool);
}
