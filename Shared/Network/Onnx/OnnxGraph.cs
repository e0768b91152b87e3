// Builds the ONNX graph of any sequential network description from its plain weights, one node per
// layer in order: Conv, Gemm (linear, transB=1 so the weight stays in PyTorch's [out, in] layout),
// BatchNormalization (inference form), Relu/Sigmoid, MaxPool, Flatten; then Softmax on the logits.
// With folding, a BatchNorm that directly follows a conv/linear layer disappears into that layer's
// weights; any other BatchNorm (e.g. after an activation) stays a BatchNormalization node. Node and
// initializer names are the layer names (conv1, conv1.weight, bn1.running_var), as in the state_dict.
// Tensor names and the batch dimension come from ModelContract.
using MnistBn.Network.Description;
using MnistBn.Network.Weights;
using MnistBn.Shared;
using Onnx;
using static MnistBn.Network.Onnx.OnnxProtoBuilder;

namespace MnistBn.Network.Onnx;

/// <summary>Network weights → ONNX <see cref="GraphProto"/>.</summary>
public static class OnnxGraph
{
    /// <summary>
    /// The graph for <paramref name="weights"/>; with <paramref name="foldBatchNorm"/> every BatchNorm
    /// that directly follows a conv/linear layer is folded into it.
    /// </summary>
    public static GraphProto Build(NetworkWeights weights, bool foldBatchNorm)
    {
        var description = weights.Description;
        if (description.Layers.Count == 0)
            throw new ArgumentException($"{description.Name}: a network without layers has no graph to export", nameof(weights));
        var folded = foldBatchNorm ? BatchNormFolding.Foldable(description) : [];
        var graph = new GraphProto { Name = description.Name };
        graph.Input.Add(BatchedFloat(ModelContract.InputName, ModelContract.BatchDimension, [.. description.InputShape.Select(d => (long)d)]));

        var x = ModelContract.InputName;
        for (var i = 0; i < description.Layers.Count; i++)
        {
            var layer = description.Layers[i];
            if (layer is BatchNormLayer skipped && folded.Contains(skipped))
                continue;
            // The norm folded into this layer, if any, is the next layer.
            var norm = i + 1 < description.Layers.Count && description.Layers[i + 1] is BatchNormLayer next && folded.Contains(next) ? next : null;
            x = layer switch
            {
                ConvLayer c => Conv(graph, c, LayerWeightsOf(weights, c.Name, norm), x),
                LinearLayer l => Gemm(graph, l.Name, LayerWeightsOf(weights, l.Name, norm), x),
                BatchNormLayer b => BatchNormalization(graph, b.Name, weights.Norm(b.Name), x),
                ActivationLayer a => Add(graph, a.Function == ActivationFunction.Relu ? "Relu" : "Sigmoid", a.Name, [x]),
                MaxPoolLayer p => Add(graph, "MaxPool", p.Name, [x], Ints("kernel_shape", p.Kernel, p.Kernel), Ints("strides", p.Stride, p.Stride)),
                // (C, H, W) order, as TorchSharp's flatten after a conv stack.
                FlattenLayer f => Add(graph, "Flatten", f.Name, [x], Int("axis", 1)),
                _ => throw new NotSupportedException($"{description.Name}: ONNX export does not know layer '{layer.Name}' ({layer.GetType().Name})"),
            };
        }
        // The last layer's output is the contract's logits tensor.
        graph.Node[^1].Output[0] = ModelContract.LogitsName;
        graph.Node.Add(Node("Softmax", "softmax", [ModelContract.LogitsName], [ModelContract.ProbabilitiesName], Int("axis", 1)));

        graph.Output.Add(BatchedFloat(ModelContract.LogitsName, ModelContract.BatchDimension, description.OutputFeatures));
        graph.Output.Add(BatchedFloat(ModelContract.ProbabilitiesName, ModelContract.BatchDimension, description.OutputFeatures));
        return graph;
    }

    /// <summary>Whether the graph keeps a BatchNormalization node (some BatchNorm could not be, or was not, folded).</summary>
    public static bool HasBatchNormalization(GraphProto graph) => graph.Node.Any(n => n.OpType == "BatchNormalization");

    private static LayerWeights LayerWeightsOf(NetworkWeights weights, string name, BatchNormLayer? norm) =>
        norm is null ? weights.Layer(name) : BatchNormFolding.Fold(weights.Layer(name), weights.Norm(norm.Name));

    private static string Conv(GraphProto graph, ConvLayer layer, LayerWeights weights, string input) =>
        Add(graph, "Conv", layer.Name, Parameters(graph, layer.Name, weights, input),
            Ints("kernel_shape", layer.Kernel, layer.Kernel),
            Ints("strides", layer.Stride, layer.Stride),
            Ints("pads", layer.Padding, layer.Padding, layer.Padding, layer.Padding));

    private static string Gemm(GraphProto graph, string name, LayerWeights weights, string input) =>
        Add(graph, "Gemm", name, Parameters(graph, name, weights, input), Int("transB", 1));

    private static string[] Parameters(GraphProto graph, string name, LayerWeights layer, string input)
    {
        graph.Initializer.Add(FloatTensor($"{name}.weight", layer.Weight, [.. layer.Shape.Select(d => (long)d)]));
        if (layer.Bias is null)
            return [input, $"{name}.weight"];
        graph.Initializer.Add(FloatTensor($"{name}.bias", layer.Bias, layer.Bias.Length));
        return [input, $"{name}.weight", $"{name}.bias"];
    }

    private static string BatchNormalization(GraphProto graph, string name, BatchNormStatistics norm, string input)
    {
        graph.Initializer.Add(FloatTensor($"{name}.weight", norm.Gamma, norm.Channels));
        graph.Initializer.Add(FloatTensor($"{name}.bias", norm.Beta, norm.Channels));
        graph.Initializer.Add(FloatTensor($"{name}.running_mean", norm.RunningMean, norm.Channels));
        graph.Initializer.Add(FloatTensor($"{name}.running_var", norm.RunningVar, norm.Channels));
        // Inference form: one output, the running statistics used as given (training_mode defaults to 0).
        // The operator normalises dimension 1 whatever the rank, so [N, C] after a Gemm is valid too.
        return Add(graph, "BatchNormalization", name,
            [input, $"{name}.weight", $"{name}.bias", $"{name}.running_mean", $"{name}.running_var"],
            Float("epsilon", norm.Epsilon));
    }

    /// <summary>Adds a node whose single output is named after the node; returns that name.</summary>
    private static string Add(GraphProto graph, string opType, string name, string[] inputs, params AttributeProto[] attributes)
    {
        graph.Node.Add(Node(opType, name, inputs, [name], attributes));
        return name;
    }
}
