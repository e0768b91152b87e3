// A network ready to export: one input of a known per-sample shape, nodes in an order where every
// input is defined before it is read, and one output. The constructor checks exactly that, so every
// front end gets the same errors; ONNX-specific checks come later (OnnxStructureCheck).
namespace MnistBn.OnnxExport.Graph;

/// <summary>A graph of <see cref="GraphNode"/>s from one input to one output.</summary>
public sealed class ExportGraph
{
    /// <param name="name">A name for messages and the ONNX graph.</param>
    /// <param name="input">The input value's name.</param>
    /// <param name="inputShape">One sample's input shape (without the batch dimension).</param>
    /// <param name="nodes">In an order where each node's inputs are defined before it.</param>
    /// <param name="output">The value the graph returns: the input or a node's name.</param>
    /// <param name="outputShape">One sample's output shape (without the batch dimension).</param>
    /// <exception cref="ArgumentException">A name repeats, an input is not defined before it is read, or the output is not defined.</exception>
    public ExportGraph(string name, string input, IReadOnlyList<long> inputShape, IReadOnlyList<GraphNode> nodes, string output, IReadOnlyList<long> outputShape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(input);
        if (inputShape.Any(d => d < 1) || outputShape.Any(d => d < 1))
            throw new ArgumentException($"{name}: shapes must be positive, got input {Format(inputShape)} and output {Format(outputShape)}");
        var defined = new HashSet<string>(StringComparer.Ordinal) { input };
        foreach (var node in nodes)
        {
            var missing = node.Inputs.FirstOrDefault(i => !defined.Contains(i));
            if (missing is not null)
                throw new ArgumentException($"{name}: node '{node.Name}' reads '{missing}', which no earlier node produces");
            if (!defined.Add(node.Name))
                throw new ArgumentException($"{name}: the name '{node.Name}' is used twice");
        }
        if (!defined.Contains(output))
            throw new ArgumentException($"{name}: the output '{output}' is not produced by any node");
        (Name, Input, InputShape, Nodes, Output, OutputShape) = (name, input, [.. inputShape], [.. nodes], output, [.. outputShape]);
    }

    /// <summary>A name for messages and the ONNX graph.</summary>
    public string Name { get; }

    /// <summary>The input value's name.</summary>
    public string Input { get; }

    /// <summary>One sample's input shape.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>The nodes in evaluation order.</summary>
    public IReadOnlyList<GraphNode> Nodes { get; }

    /// <summary>The value the graph returns.</summary>
    public string Output { get; }

    /// <summary>One sample's output shape.</summary>
    public IReadOnlyList<long> OutputShape { get; }

    /// <summary>Whether any node is a BatchNorm.</summary>
    public bool HasBatchNorm => Nodes.Any(n => n is BatchNormNode);

    /// <summary>The nodes that read <paramref name="value"/>, and whether the graph returns it.</summary>
    public (IReadOnlyList<GraphNode> Readers, bool IsOutput) Consumers(string value) =>
        ([.. Nodes.Where(n => n.Inputs.Contains(value))], value == Output);

    /// <summary>The same graph with other nodes (and output) in place of these.</summary>
    public ExportGraph With(IReadOnlyList<GraphNode> nodes, string output) => new(Name, Input, InputShape, nodes, output, OutputShape);

    /// <summary>The same graph under another name.</summary>
    public ExportGraph Renamed(string name) => new(name, Input, InputShape, Nodes, Output, OutputShape);

    /// <summary>A shape as <c>[a, b, c]</c>.</summary>
    public static string Format(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";
}
