// The exporter's plain twin: an ExportGraph evaluated in ordinary TorchSharp tensor ops, node by node,
// exactly as the nodes define their math (GraphNodes.cs) and independently of the modules the trace
// read them from. ModuleOnnxExport runs it on a second input and compares it with the module's own
// forward, so a graph that only matched forward on the example batch is refused (GraphReplay.cs);
// tests pin it to ONNX Runtime on the written files. One-dimensional convolutions (and pooling, should a
// front end emit it) go through the 2-D ops with a size-1 height.
using MnistBn.OnnxExport.Graph;
using MnistBn.OnnxExport.Weights;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.OnnxExport.TorchSharp;

/// <summary>Evaluates an <see cref="ExportGraph"/> on a batch.</summary>
internal static class GraphEvaluator
{
    /// <summary>The graph's output for <paramref name="input"/> ([N, …] with the graph's per-sample input shape), without autograd.</summary>
    /// <exception cref="ArgumentException">The input does not have the graph's per-sample shape.</exception>
    public static Tensor Evaluate(ExportGraph graph, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != graph.InputShape.Count + 1 || !input.shape.Skip(1).SequenceEqual(graph.InputShape))
            throw new ArgumentException($"{graph.Name}: expected an input [N, {string.Join(", ", graph.InputShape)}], got {ExportGraph.Format(input.shape)}", nameof(input));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [graph.Input] = input };
        foreach (var node in graph.Nodes)
            values[node.Name] = Node(node, values);
        return values[graph.Output].alias().MoveToOuterDisposeScope();
    }

    private static Tensor Node(GraphNode node, Dictionary<string, Tensor> values) => node switch
    {
        ConvNode c => Conv(values[c.Input], c),
        LinearNode l => Linear(values[l.Input], l.Weights),
        BatchNormNode b => BatchNorm(values[b.Input], b.Statistics),
        ActivationNode a => Activate(values[a.Input], a.Function, a.Alpha),
        PoolNode p => Pool(values[p.Input], p),
        GlobalAveragePoolNode g => values[g.Input].mean([.. Enumerable.Range(2, (int)values[g.Input].dim() - 2).Select(d => (long)d)], keepdim: true),
        FlattenNode f => values[f.Input].flatten(1),
        SoftmaxNode s => s.Log ? F.log_softmax(values[s.Input], s.Axis) : F.softmax(values[s.Input], s.Axis),
        AddNode a => values[a.Left] + values[a.Right],
        ConcatNode c => cat([.. c.Parts.Select(p => values[p])], c.Axis),
        _ => throw new NotSupportedException($"{node.Name}: {node.GetType().Name} has no evaluation"),
    };

    /// <summary>Zero padding (asymmetric where the node's begin and end differ), then the convolution.</summary>
    private static Tensor Conv(Tensor x, ConvNode node)
    {
        var spatial = node.KernelShape.Length;
        var (weight, bias) = Tensors(node.Weights, x.device);
        var (begin, end) = (node.Pads[..spatial], node.Pads[spatial..]);
        if (!begin.SequenceEqual(end))
        {
            // F.pad lists the last axis first: (begin, end) of the last axis, then of the one before.
            x = F.pad(x, [.. Enumerable.Range(0, spatial).Reverse().SelectMany(axis => new[] { begin[axis], end[axis] })]);
            begin = new long[spatial];
        }
        var (input, kernel) = spatial == 1 ? (x.unsqueeze(2), weight.unsqueeze(2)) : (x, weight);
        var y = F.conv2d(input, kernel, bias, TwoD(node.Strides, 1), TwoD(begin, 0), TwoD(node.Dilations, 1), node.Groups);
        return spatial == 1 ? y.squeeze(2) : y;
    }

    private static Tensor Linear(Tensor x, LayerWeights weights)
    {
        var (weight, bias) = Tensors(weights, x.device);
        var y = x.matmul(weight.t());
        return bias is null ? y : y + bias;
    }

    /// <summary>(x − μ) / √(σ² + ε) · γ + β along axis 1.</summary>
    private static Tensor BatchNorm(Tensor x, BatchNormStatistics statistics)
    {
        long[] channelShape = [1, statistics.Channels, .. Enumerable.Repeat(1L, (int)x.dim() - 2)];
        Tensor Channelwise(float[] values) => tensor(values).to(x.device).view(channelShape);
        var normalized = (x - Channelwise(statistics.RunningMean)) / (Channelwise(statistics.RunningVar) + statistics.Epsilon).sqrt();
        return normalized * Channelwise(statistics.Gamma) + Channelwise(statistics.Beta);
    }

    private static Tensor Activate(Tensor x, Activation function, float alpha) => function switch
    {
        Activation.Relu => x.relu(),
        Activation.Relu6 => x.clamp(0, 6),
        Activation.LeakyRelu => where(x >= 0, x, x * alpha),
        Activation.Elu => where(x > 0, x, (x.clamp(max: 0).exp() - 1) * alpha),
        Activation.Gelu => x * 0.5 * ((x / Math.Sqrt(2)).erf() + 1),
        Activation.GeluTanh => x * 0.5 * (((x + x.pow(3) * 0.044715) * Math.Sqrt(2 / Math.PI)).tanh() + 1),
        Activation.Silu => x * x.sigmoid(),
        Activation.Sigmoid => x.sigmoid(),
        Activation.Tanh => x.tanh(),
        Activation.Hardswish => x * (x + 3).clamp(0, 6) / 6,
        _ => throw new NotSupportedException($"activation {function} has no evaluation"),
    };

    private static Tensor Pool(Tensor x, PoolNode node)
    {
        var spatial = node.KernelShape.Length;
        if (!node.Pads[..spatial].SequenceEqual(node.Pads[spatial..]))
            throw new NotSupportedException($"{node.Name}: pooling with asymmetric padding has no evaluation");
        var input = spatial == 1 ? x.unsqueeze(2) : x;
        var (kernel, strides, pads) = (TwoD(node.KernelShape, 1), TwoD(node.Strides, 1), TwoD(node.Pads[..spatial], 0));
        var y = node.Max
            ? F.max_pool2d(input, kernel, strides, pads, TwoD(node.Dilations, 1), node.CeilMode)
            : F.avg_pool2d(input, kernel, strides, pads, node.CeilMode, node.CountIncludePad);
        return spatial == 1 ? y.squeeze(2) : y;
    }

    /// <summary>A 2-D attribute: as given for 2-D, with <paramref name="height"/> for the size-1 axis of 1-D.</summary>
    private static long[] TwoD(long[] values, long height) => values.Length == 1 ? [height, values[0]] : values;

    private static (Tensor Weight, Tensor? Bias) Tensors(LayerWeights weights, Device device) =>
        (tensor(weights.Weight, [.. weights.Shape.Select(d => (long)d)]).to(device), weights.Bias is null ? null : tensor(weights.Bias).to(device));
}
