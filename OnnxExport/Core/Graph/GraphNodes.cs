// The layers an exported graph is made of, as plain values. Every node has one output, a value named
// after the node; Inputs name the graph input or earlier nodes' outputs. Front ends (a traced
// TorchSharp module, a study description) build these; OnnxNodes writes each as ONNX operators.
// Spatial attributes hold one entry per spatial axis (1 for Conv1d, 2 for Conv2d/pooling); Pads hold
// the begin values of every axis and then the end values, as ONNX writes them.
using MnistBn.OnnxExport.Weights;

namespace MnistBn.OnnxExport.Graph;

/// <summary>One node of an <see cref="ExportGraph"/>; its output value is named <see cref="Name"/>.</summary>
/// <param name="Name">Unique in the graph: the node's and its output's name (e.g. the module path <c>features.0</c>).</param>
public abstract record GraphNode(string Name)
{
    /// <summary>The values it reads: the graph input or earlier nodes' names.</summary>
    public abstract IReadOnlyList<string> Inputs { get; }

    /// <summary>This node reading <paramref name="rename"/>(input) in place of each input.</summary>
    public abstract GraphNode WithInputs(Func<string, string> rename);
}

/// <summary>A node that reads one value.</summary>
public abstract record UnaryNode(string Name, string Input) : GraphNode(Name)
{
    /// <inheritdoc/>
    public override IReadOnlyList<string> Inputs => [Input];

    /// <inheritdoc/>
    public override GraphNode WithInputs(Func<string, string> rename) => this with { Input = rename(Input) };
}

/// <summary>
/// A convolution over [N, C, spatial…] (1-D or 2-D) with zero padding; weights in PyTorch's layout
/// [out, in/groups, k…] with an optional bias.
/// </summary>
public sealed record ConvNode(
    string Name, string Input, LayerWeights Weights, long[] Strides, long[] Pads, long[] Dilations, long Groups)
    : UnaryNode(Name, Input)
{
    /// <summary>The kernel's extent along each spatial axis.</summary>
    public long[] KernelShape => [.. Weights.Shape.Skip(2).Select(d => (long)d)];
}

/// <summary>A fully-connected layer over [N, in]: y = x·Wᵀ + b (ONNX Gemm with transB).</summary>
public sealed record LinearNode(string Name, string Input, LayerWeights Weights) : UnaryNode(Name, Input);

/// <summary>Inference-time batch normalisation of dimension 1 with the running statistics.</summary>
public sealed record BatchNormNode(string Name, string Input, BatchNormStatistics Statistics) : UnaryNode(Name, Input);

/// <summary>The element-wise functions an <see cref="ActivationNode"/> applies.</summary>
public enum Activation
{
    /// <summary>max(0, x).</summary>
    Relu,

    /// <summary>min(max(0, x), 6).</summary>
    Relu6,

    /// <summary>x for x ≥ 0, α·x below (α = <see cref="ActivationNode.Alpha"/>).</summary>
    LeakyRelu,

    /// <summary>x for x > 0, α·(eˣ − 1) below.</summary>
    Elu,

    /// <summary>x·Φ(x) with the exact normal CDF (erf).</summary>
    Gelu,

    /// <summary>GELU's tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    GeluTanh,

    /// <summary>x·sigmoid(x).</summary>
    Silu,

    /// <summary>1 / (1 + e^(−x)).</summary>
    Sigmoid,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>x·relu6(x + 3)/6.</summary>
    Hardswish,
}

/// <summary>An element-wise activation; <see cref="Alpha"/> is LeakyReLU's slope or ELU's α.</summary>
public sealed record ActivationNode(string Name, string Input, Activation Function, float Alpha = 0f) : UnaryNode(Name, Input);

/// <summary>
/// Max or average pooling over [N, C, spatial…]. Dilations apply to max pooling only (all 1 for average
/// pooling); CountIncludePad says whether average pooling counts padded zeros in its divisor.
/// </summary>
public sealed record PoolNode(
    string Name, string Input, bool Max, long[] KernelShape, long[] Strides, long[] Pads, long[] Dilations, bool CeilMode, bool CountIncludePad)
    : UnaryNode(Name, Input);

/// <summary>The mean over all spatial positions, keeping them as size-1 axes (adaptive average pooling to 1×1).</summary>
public sealed record GlobalAveragePoolNode(string Name, string Input) : UnaryNode(Name, Input);

/// <summary>[N, d1, d2, …] → [N, d1·d2·…].</summary>
public sealed record FlattenNode(string Name, string Input) : UnaryNode(Name, Input);

/// <summary>Softmax (or log-softmax) along <see cref="Axis"/> of the batched tensor.</summary>
public sealed record SoftmaxNode(string Name, string Input, long Axis, bool Log) : UnaryNode(Name, Input);

/// <summary>The element-wise sum of two values of one shape (a residual connection).</summary>
public sealed record AddNode(string Name, string Left, string Right) : GraphNode(Name)
{
    /// <inheritdoc/>
    public override IReadOnlyList<string> Inputs => [Left, Right];

    /// <inheritdoc/>
    public override GraphNode WithInputs(Func<string, string> rename) => this with { Left = rename(Left), Right = rename(Right) };
}

/// <summary>The values joined along <see cref="Axis"/> of the batched tensor (1: channels).</summary>
public sealed record ConcatNode(string Name, IReadOnlyList<string> Parts, long Axis) : GraphNode(Name)
{
    /// <inheritdoc/>
    public override IReadOnlyList<string> Inputs => Parts;

    /// <inheritdoc/>
    public override GraphNode WithInputs(Func<string, string> rename) => this with { Parts = [.. Parts.Select(rename)] };
}
