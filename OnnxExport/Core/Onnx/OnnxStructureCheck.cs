// A structural check of an ONNX model, independent of ONNX Runtime: names are unique, every node
// input exists before the node that reads it, every graph output is produced, and initializer data
// fit their declared dims. The exporter runs it before writing; tests run it on what was written.
using Onnx;

namespace MnistBn.OnnxExport.Onnx;

/// <summary>Finds structural problems in a <see cref="ModelProto"/>.</summary>
public static class OnnxStructureCheck
{
    /// <summary>Every problem found, in graph order; empty when the model is well-formed.</summary>
    public static IReadOnlyList<string> Problems(ModelProto model)
    {
        var problems = new List<string>();
        if (model.IrVersion <= 0)
            problems.Add("ir_version is not set");
        if (!model.OpsetImport.Any(o => o.Domain is "" or "ai.onnx"))
            problems.Add("no opset is imported for the default ONNX domain");
        if (model.Graph is not { } graph)
        {
            problems.Add("the model has no graph");
            return problems;
        }

        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in graph.Input)
            Define(defined, input.Name, "graph input", problems);
        foreach (var initializer in graph.Initializer)
        {
            // IR ≥ 4 allows an initializer to double as a graph input (a default value); anything else is a clash.
            if (!graph.Input.Any(i => i.Name == initializer.Name))
                Define(defined, initializer.Name, "initializer", problems);
            CheckInitializer(initializer, problems);
        }

        var nodeNames = new HashSet<string>(StringComparer.Ordinal);
        for (var n = 0; n < graph.Node.Count; n++)
        {
            var node = graph.Node[n];
            var label = $"node {n} ({node.OpType} '{node.Name}')";
            if (node.Name.Length > 0 && !nodeNames.Add(node.Name))
                problems.Add($"{label}: duplicate node name");
            // An empty input name marks an omitted optional input.
            foreach (var input in node.Input.Where(i => i.Length > 0 && !defined.Contains(i)))
                problems.Add($"{label}: input '{input}' is not a graph input, an initializer or an earlier node's output");
            foreach (var output in node.Output.Where(o => o.Length > 0))
                Define(defined, output, $"output of {label}", problems);
        }

        foreach (var output in graph.Output.Where(o => !defined.Contains(o.Name)))
            problems.Add($"graph output '{output.Name}' is not produced by any node");
        return problems;
    }

    private static void Define(HashSet<string> defined, string name, string what, List<string> problems)
    {
        if (name.Length == 0)
            problems.Add($"{what} has an empty name");
        else if (!defined.Add(name))
            problems.Add($"{what} '{name}' redefines a name already in the graph");
    }

    private static void CheckInitializer(TensorProto tensor, List<string> problems)
    {
        if (tensor.Dims.Any(d => d < 0))
        {
            problems.Add($"initializer '{tensor.Name}' has a negative dimension");
            return;
        }
        var expected = tensor.Dims.Aggregate(1L, (a, b) => a * b);
        var actual = ElementCount(tensor);
        if (actual is null)
            problems.Add($"initializer '{tensor.Name}' has data type {tensor.DataType}, which this check does not size");
        else if (actual != expected)
            problems.Add($"initializer '{tensor.Name}' holds {actual} values but its dims [{string.Join(", ", tensor.Dims)}] need {expected}");
    }

    private static long? ElementCount(TensorProto tensor)
    {
        var size = (TensorProto.Types.DataType)tensor.DataType switch
        {
            TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Int32 => 4,
            TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Int64 => 8,
            _ => 0,
        };
        if (size == 0)
            return null;
        if (!tensor.RawData.IsEmpty)
            return tensor.RawData.Length % size == 0 ? tensor.RawData.Length / size : -1;
        return (TensorProto.Types.DataType)tensor.DataType switch
        {
            TensorProto.Types.DataType.Float => tensor.FloatData.Count,
            TensorProto.Types.DataType.Int32 => tensor.Int32Data.Count,
            TensorProto.Types.DataType.Double => tensor.DoubleData.Count,
            _ => tensor.Int64Data.Count,
        };
    }
}
