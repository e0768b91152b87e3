// Builds LeNet's ONNX graph from plain weights:
//   Conv3x3 → [BN] → Relu → MaxPool2 → Conv3x3 → [BN] → Relu → MaxPool2 → Flatten
//   → Gemm → [BN] → Relu → Gemm → [BN] → Relu → Gemm → logits, Softmax → probabilities.
// Tensor names and shapes come from ModelContract. BatchNormalization on the Gemm outputs ([N, C])
// is valid ONNX: the operator normalises dimension 1 whatever the rank.
using MnistBn.Shared;
using Onnx;
using static MnistBn.Training.Export.OnnxProtoBuilder;

namespace MnistBn.Training.Export;

/// <summary>LeNet weights → ONNX <see cref="GraphProto"/>.</summary>
public static class LeNetOnnxGraph
{
    /// <summary>
    /// The graph for <paramref name="weights"/>; with <paramref name="foldBatchNorm"/> the BatchNorm
    /// statistics are folded into the weights and no BatchNormalization node is written.
    /// </summary>
    public static GraphProto Build(LeNetWeights weights, bool foldBatchNorm)
    {
        var source = foldBatchNorm ? BatchNormFolding.Fold(weights) : weights;
        var graph = new GraphProto { Name = $"lenet_{weights.Variant}" };
        graph.Input.Add(BatchedFloat(ModelContract.InputName, ModelContract.BatchDimension,
            ModelContract.Channels, ModelContract.Height, ModelContract.Width));

        var x = ModelContract.InputName;
        for (var i = 0; i < 2; i++)
        {
            var name = LeNetWeights.LayerNames[i];
            x = Conv(graph, name, source.Layers[i], x);
            x = MaybeBatchNorm(graph, i, source.Layers[i], x);
            x = Add(graph, "Relu", $"relu{i + 1}", [x]);
            x = Add(graph, "MaxPool", $"pool{i + 1}", [x], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
        }
        // (C, H, W) order, as the TorchSharp model flattens after pool2: [N, 16, 5, 5] → [N, 400].
        x = Add(graph, "Flatten", "flatten", [x], Int("axis", 1));
        for (var i = 2; i < 4; i++)
        {
            x = Gemm(graph, LeNetWeights.LayerNames[i], source.Layers[i], x, LeNetWeights.LayerNames[i]);
            x = MaybeBatchNorm(graph, i, source.Layers[i], x);
            x = Add(graph, "Relu", $"relu{i + 1}", [x]);
        }
        var logits = Gemm(graph, "fc3", source.Fc3, x, ModelContract.LogitsName);
        graph.Node.Add(Node("Softmax", "softmax", [logits], [ModelContract.ProbabilitiesName], Int("axis", 1)));

        graph.Output.Add(BatchedFloat(ModelContract.LogitsName, ModelContract.BatchDimension, ModelContract.ClassCount));
        graph.Output.Add(BatchedFloat(ModelContract.ProbabilitiesName, ModelContract.BatchDimension, ModelContract.ClassCount));
        return graph;
    }

    private static string Conv(GraphProto graph, string name, LayerWeights layer, string input)
    {
        var inputs = Parameters(graph, name, layer, input);
        return Add(graph, "Conv", name, inputs,
            Ints("kernel_shape", layer.Shape[2], layer.Shape[3]),
            Ints("strides", 1, 1),
            Ints("pads", 0, 0, 0, 0));
    }

    private static string Gemm(GraphProto graph, string name, LayerWeights layer, string input, string output)
    {
        // transB: the weight stays in PyTorch's [out, in] layout, so y = x·Wᵀ + b.
        graph.Node.Add(Node("Gemm", name, Parameters(graph, name, layer, input), [output], Int("transB", 1)));
        return output;
    }

    private static string[] Parameters(GraphProto graph, string name, LayerWeights layer, string input)
    {
        graph.Initializer.Add(FloatTensor($"{name}.weight", layer.Weight, layer.Shape.Select(d => (long)d).ToArray()));
        if (layer.Bias is null)
            return [input, $"{name}.weight"];
        graph.Initializer.Add(FloatTensor($"{name}.bias", layer.Bias, layer.Bias.Length));
        return [input, $"{name}.weight", $"{name}.bias"];
    }

    private static string MaybeBatchNorm(GraphProto graph, int index, LayerWeights layer, string input)
    {
        if (layer.BatchNorm is not { } norm)
            return input;
        var name = LeNetWeights.BatchNormNames[index];
        graph.Initializer.Add(FloatTensor($"{name}.weight", norm.Gamma, norm.Channels));
        graph.Initializer.Add(FloatTensor($"{name}.bias", norm.Beta, norm.Channels));
        graph.Initializer.Add(FloatTensor($"{name}.running_mean", norm.RunningMean, norm.Channels));
        graph.Initializer.Add(FloatTensor($"{name}.running_var", norm.RunningVar, norm.Channels));
        // Inference form: one output, the running statistics used as given (training_mode defaults to 0).
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
