// What each supported TorchSharp module becomes in the exported graph, read from the module itself
// (kernel sizes, strides, padding, dilation, groups, ε, running statistics) and from the tensors the
// trace saw it read and write. A module that is the identity at inference (Dropout, Identity) becomes
// no node. Anything else is refused by its path in the model.
using MnistBn.OnnxExport.Graph;
using MnistBn.OnnxExport.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.TorchSharp;

/// <summary>One module call → a graph node (or none).</summary>
internal static class ModuleNodes
{
    /// <summary>The module types <see cref="Of"/> converts, for messages and the README.</summary>
    public static readonly IReadOnlyList<string> Supported =
    [
        "Sequential", "Conv1d", "Conv2d", "BatchNorm1d", "BatchNorm2d", "IBatchNormModule", "Linear", "Flatten", "Dropout",
        "Dropout2d", "Identity", "ReLU", "ReLU6", "LeakyReLU", "ELU", "GELU", "SiLU", "Sigmoid", "Tanh", "Hardswish",
        "Softmax", "LogSoftmax", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d(1)", "Residual", "Concat",
    ];

    /// <summary>
    /// The node computing <paramref name="module"/>'s <paramref name="output"/> from <paramref name="inputValue"/>,
    /// or null when the module passes its input through at inference.
    /// </summary>
    /// <exception cref="NotSupportedException">The module, or this use of it, has no ONNX form here; the message starts with <paramref name="path"/>.</exception>
    public static GraphNode? Of(string path, string name, nn.Module module, string inputValue, Tensor input, Tensor output)
    {
        NotSupportedException Refuse(string why) => new($"{path}: {why}");
        switch (module)
        {
            case Dropout or Dropout2d or Identity or Sequential { Count: 0 }:
                return null;
            case Conv1d or Conv2d:
                return Convolution(path, name, (Convolution)module, inputValue, input);
            case Linear linear:
                if (input.dim() != 2)
                    throw Refuse($"Linear gets an input of rank {input.dim()}; only [N, features] is exported (flatten first)");
                return new LinearNode(name, inputValue, new LayerWeights(Shape(linear.weight), Floats(linear.weight), FloatsOrNull(linear.bias)));
            case BatchNorm norm:
                if (norm.running_mean is null || norm.running_var is null)
                    throw Refuse($"{TypeName(module)} has no running statistics (track_running_stats: false), so it normalises with batch statistics at inference, which ONNX export does not do");
                return new BatchNormNode(name, inputValue, Statistics(norm.weight, norm.bias, norm.running_mean, norm.running_var, norm.eps, norm.num_features));
            case IBatchNormModule custom:
                return new BatchNormNode(name, inputValue, Statistics(custom.Weight, custom.Bias, custom.RunningMean, custom.RunningVar, custom.Epsilon, custom.RunningMean.shape[0]));
            case ReLU:
                return new ActivationNode(name, inputValue, Activation.Relu);
            case ReLU6:
                return new ActivationNode(name, inputValue, Activation.Relu6);
            case LeakyReLU leaky:
                return new ActivationNode(name, inputValue, Activation.LeakyRelu, (float)leaky.negative_slope);
            case ELU elu:
                return new ActivationNode(name, inputValue, Activation.Elu, (float)elu.alpha);
            case GELU gelu:
                return new ActivationNode(name, inputValue, gelu.approximate == GELU.Approximate.tanh ? Activation.GeluTanh : Activation.Gelu);
            case SiLU:
                return new ActivationNode(name, inputValue, Activation.Silu);
            case Sigmoid:
                return new ActivationNode(name, inputValue, Activation.Sigmoid);
            case Tanh:
                return new ActivationNode(name, inputValue, Activation.Tanh);
            case Hardswish:
                return new ActivationNode(name, inputValue, Activation.Hardswish);
            case Softmax softmax:
                return new SoftmaxNode(name, inputValue, softmax.dim, Log: false);
            case LogSoftmax logSoftmax:
                return new SoftmaxNode(name, inputValue, logSoftmax.dim, Log: true);
            case Flatten flatten:
                var last = input.dim() - 1;
                if (flatten.start_dim != 1 || (flatten.end_dim != -1 && flatten.end_dim != last))
                    throw Refuse($"Flatten(start_dim: {flatten.start_dim}, end_dim: {flatten.end_dim}) is not supported; only Flatten(1, -1), which keeps the batch axis, is exported");
                return new FlattenNode(name, inputValue);
            case MaxPool2d max:
                return Pool(path, name, inputValue, input, output, true, max.kernel_size, max.stride, max.padding, max.dilation, max.ceil_mode, false);
            case AvgPool2d avg:
                if (avg.divisor_override is not null)
                    throw Refuse("AvgPool2d with divisor_override is not supported");
                return Pool(path, name, inputValue, input, output, false, avg.kernel_size, avg.stride, avg.padding, null, avg.ceil_mode, avg.count_include_pad);
            case AdaptiveAvgPool2d adaptive:
                if (output.dim() != 4 || output.shape[2] != 1 || output.shape[3] != 1)
                    throw Refuse($"AdaptiveAvgPool2d to [{string.Join(", ", adaptive.output_size)}] is not supported; only output size 1 (global average pooling) is exported");
                return new GlobalAveragePoolNode(name, inputValue);
            default:
                throw Refuse($"{TypeName(module)} is not supported (supported: {string.Join(", ", Supported)}; a module of your own exports when it is built from these)");
        }
    }

    private static ConvNode Convolution(string path, string name, Convolution conv, string inputValue, Tensor input)
    {
        if (conv.padding_mode != PaddingModes.Zeros)
            throw new NotSupportedException($"{path}: {TypeName(conv)} with padding_mode {conv.padding_mode} is not supported; only zero padding is exported");
        var spatial = conv.kernel_size.Length;
        if (input.dim() != spatial + 2)
            throw new NotSupportedException($"{path}: {TypeName(conv)} gets an input of rank {input.dim()}; only batched input [N, C, …] is exported");
        var dilations = PerAxis(conv.dilation, spatial, 1);
        var (begin, end) = (new long[spatial], new long[spatial]);
        for (var axis = 0; axis < spatial; axis++)
        {
            if (conv.padding_type == Padding.Same)
            {
                // PyTorch's "same": total padding d·(k − 1), the odd one at the end.
                var total = dilations[axis] * (conv.kernel_size[axis] - 1);
                (begin[axis], end[axis]) = (total / 2, total - total / 2);
            }
            else if (conv.padding_type != Padding.Valid)
            {
                begin[axis] = end[axis] = PerAxis(conv.padding, spatial, 0)[axis];
            }
        }
        var weights = new LayerWeights(Shape(conv.weight), Floats(conv.weight), FloatsOrNull(conv.bias));
        return new ConvNode(name, inputValue, weights, PerAxis(conv.stride, spatial, 1), [.. begin, .. end], dilations, conv.groups);
    }

    private static PoolNode Pool(
        string path, string name, string inputValue, Tensor input, Tensor output, bool max,
        long[] kernel, long[]? stride, long[]? padding, long[]? dilation, bool ceilMode, bool countIncludePad)
    {
        if (input.dim() != 4)
            throw new NotSupportedException($"{path}: 2-D pooling gets an input of rank {input.dim()}; only [N, C, H, W] is exported");
        var kernels = PerAxis(kernel, 2, 1);
        var strides = stride is { Length: > 0 } ? PerAxis(stride, 2, 1) : kernels;
        var pads = PerAxis(padding, 2, 0);
        var dilations = PerAxis(dilation, 2, 1);
        var node = new PoolNode(name, inputValue, max, kernels, strides, [.. pads, .. pads], dilations, ceilMode, countIncludePad);
        // The sizes must agree, or the graph would compute other windows than TorchSharp did.
        for (var axis = 0; axis < 2; axis++)
        {
            var onnx = OnnxPoolSize(input.shape[axis + 2], kernels[axis], strides[axis], pads[axis], dilations[axis], ceilMode);
            if (onnx != output.shape[axis + 2])
                throw new NotSupportedException(
                    $"{path}: this pooling (kernel {kernels[axis]}, stride {strides[axis]}, padding {pads[axis]}, ceil_mode {ceilMode}) gives {output.shape[axis + 2]} positions in TorchSharp but {onnx} in ONNX; change the padding or ceil_mode");
        }
        return node;
    }

    // The output size ONNX defines; with ceil_mode, a last window that would start inside the right
    // padding is dropped (ONNX's rule since opset 19, which ONNX Runtime applies at every opset).
    private static long OnnxPoolSize(long size, long kernel, long stride, long pad, long dilation, bool ceil)
    {
        var span = size + 2 * pad - dilation * (kernel - 1) - 1;
        var count = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        return ceil && (count - 1) * stride >= size + pad ? count - 1 : count;
    }

    private static BatchNormStatistics Statistics(Tensor? weight, Tensor? bias, Tensor mean, Tensor variance, double epsilon, long channels)
    {
        var count = checked((int)channels);
        return new BatchNormStatistics(
            Gamma: FloatsOrNull(weight) ?? Enumerable.Repeat(1f, count).ToArray(),
            Beta: FloatsOrNull(bias) ?? new float[count],
            RunningMean: Floats(mean),
            RunningVar: Floats(variance),
            // The module adds ε in float32 arithmetic too, so the float is the value it uses.
            Epsilon: (float)epsilon);
    }

    private static long[] PerAxis(long[]? values, int axes, long fallback) => values switch
    {
        null or { Length: 0 } => [.. Enumerable.Repeat(fallback, axes)],
        { Length: 1 } => [.. Enumerable.Repeat(values[0], axes)],
        _ => values,
    };

    private static int[] Shape(Tensor tensor) => [.. tensor.shape.Select(d => checked((int)d))];

    private static float[]? FloatsOrNull(Tensor? tensor) => tensor is null ? null : Floats(tensor);

    /// <summary>A copy of the tensor's values as float32 on the CPU.</summary>
    public static float[] Floats(Tensor tensor)
    {
        using var values = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous();
        return values.data<float>().ToArray();
    }

    /// <summary>The module's type name as a user wrote it (BatchNorm2d, Upsample, …).</summary>
    public static string TypeName(nn.Module module) => module.GetType().Name;
}
