// The layers a sequential network is made of, as plain values. A layer's Name is its identity
// everywhere: the TorchSharp submodule and state_dict prefix (conv1.weight, bn1.running_mean), the key
// of its weights, and the ONNX node and initializer names. Layers without weights are named too, so
// that ONNX nodes and error messages can say which one they mean.
namespace MnistBn.Network.Description;

/// <summary>One layer of a <see cref="NetworkDescription"/>.</summary>
public abstract record Layer(string Name);

/// <summary>A 2-D convolution over [N, InChannels, H, W] with a square kernel.</summary>
public sealed record ConvLayer(string Name, int InChannels, int OutChannels, int Kernel, int Stride = 1, int Padding = 0, bool Bias = true)
    : Layer(Name)
{
    /// <summary>PyTorch's weight layout: [out, in, kernel, kernel].</summary>
    public int[] WeightShape => [OutChannels, InChannels, Kernel, Kernel];
}

/// <summary>A fully-connected layer over [N, InFeatures]: y = x·Wᵀ + b.</summary>
public sealed record LinearLayer(string Name, int InFeatures, int OutFeatures, bool Bias = true) : Layer(Name)
{
    /// <summary>PyTorch's weight layout: [out, in].</summary>
    public int[] WeightShape => [OutFeatures, InFeatures];
}

/// <summary>
/// Batch normalisation of <see cref="Features"/> channels (conv maps, statistics over N, H, W) or features
/// (fully connected, over N). Where it sits relative to the activation is where it stands in the layer list.
/// </summary>
/// <param name="Name">The layer's name (state_dict prefix, ONNX node name).</param>
/// <param name="Features">Channels or features normalised.</param>
/// <param name="Momentum">PyTorch convention: running = (1 − m)·running + m·batch.</param>
/// <param name="Epsilon">Added to the variance before the square root.</param>
public sealed record BatchNormLayer(string Name, int Features, double Momentum, double Epsilon) : Layer(Name);

/// <summary>The element-wise nonlinearities a description can use.</summary>
public enum ActivationFunction
{
    /// <summary>max(0, x).</summary>
    Relu,

    /// <summary>1 / (1 + e^(−x)).</summary>
    Sigmoid,
}

/// <summary>An element-wise activation; its input is what the experiments call a hidden pre-activation.</summary>
public sealed record ActivationLayer(string Name, ActivationFunction Function) : Layer(Name);

/// <summary>Max pooling over square windows, no padding (a partial window at the edge is dropped).</summary>
public sealed record MaxPoolLayer(string Name, int Kernel, int Stride) : Layer(Name);

/// <summary>[N, C, H, W] → [N, C·H·W] in (C, H, W) order.</summary>
public sealed record FlattenLayer(string Name) : Layer(Name);
