// A NetworkDescription with its plain weights → the exporter's ExportGraph, one node per layer in
// order, named as the layers are (conv1, bn1, relu1, …). The TorchSharp-free way into the exporter
// (test fixtures, tools); a trained module goes through MnistBn.OnnxExport.TorchSharp instead, and
// both end in the same OnnxModelWriter, which folds BatchNorm and writes the file.
using MnistBn.Network.Description;
using MnistBn.OnnxExport.Weights;
using MnistBn.Network.Weights;
using MnistBn.OnnxExport.Graph;

namespace MnistBn.Network.Onnx;

/// <summary>Network weights → <see cref="ExportGraph"/>.</summary>
public static class DescriptionGraph
{
    /// <summary>The input value's name inside the graph (the writer renames it to the model's input tensor).</summary>
    public const string InputValue = "input";

    /// <summary>The graph of <paramref name="weights"/>' network, from its input to its logits.</summary>
    public static ExportGraph Build(NetworkWeights weights)
    {
        var description = weights.Description;
        if (description.Layers.Count == 0)
            throw new ArgumentException($"{description.Name}: a network without layers has no graph to export", nameof(weights));
        var nodes = new List<GraphNode>();
        var x = InputValue;
        foreach (var layer in description.Layers)
        {
            GraphNode node = layer switch
            {
                ConvLayer c => new ConvNode(c.Name, x, weights.Layer(c.Name), [c.Stride, c.Stride],
                    [c.Padding, c.Padding, c.Padding, c.Padding], [1, 1], Groups: 1),
                LinearLayer l => new LinearNode(l.Name, x, weights.Layer(l.Name)),
                BatchNormLayer b => new BatchNormNode(b.Name, x, weights.Norm(b.Name)),
                ActivationLayer a => new ActivationNode(a.Name, x, a.Function == ActivationFunction.Relu ? Activation.Relu : Activation.Sigmoid),
                MaxPoolLayer p => new PoolNode(p.Name, x, Max: true, [p.Kernel, p.Kernel], [p.Stride, p.Stride], [0, 0, 0, 0], [1, 1],
                    CeilMode: false, CountIncludePad: false),
                // (C, H, W) order, as TorchSharp's flatten after a conv stack.
                FlattenLayer f => new FlattenNode(f.Name, x),
                _ => throw new NotSupportedException($"{description.Name}: ONNX export does not know layer '{layer.Name}' ({layer.GetType().Name})"),
            };
            nodes.Add(node);
            x = node.Name;
        }
        return new ExportGraph(description.Name, InputValue, [.. description.InputShape.Select(d => (long)d)], nodes, x, [description.OutputFeatures]);
    }
}
