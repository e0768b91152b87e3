// An ExportGraph → a complete, checked ONNX model (BatchNorm folded if asked, unused nodes dropped,
// opset, producer, metadata) → an atomically written file. Every front end ends here, so the study's
// LeNet and a user's traced module get the same folding, checks and metadata.
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Google.Protobuf;
using MnistBn.OnnxExport.Graph;
using MnistBn.OnnxExport.Onnx;
using Onnx;
using static MnistBn.OnnxExport.Onnx.OnnxProtoBuilder;
using MnistBn.Shared.IO;

namespace MnistBn.OnnxExport;

/// <summary>Builds and writes ONNX models from <see cref="ExportGraph"/>s.</summary>
public static class OnnxModelWriter
{
    /// <summary>The complete model; throws <see cref="InvalidDataException"/> if it fails <see cref="OnnxStructureCheck"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid, or the class labels do not match the output.</exception>
    public static ModelProto Build(ExportGraph graph, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckClassLabels(graph, options);
        if (options.GraphName is { } name)
            graph = graph.Renamed(name);
        var written = Used(options.FoldBatchNorm ? GraphFolding.FoldBatchNorm(graph) : graph);
        var proto = Proto(written, options);
        // "Folded" means what a reader of the file can rely on: no BatchNormalization node is left.
        var folded = !proto.Node.Any(n => n.OpType == "BatchNormalization");
        var model = new ModelProto
        {
            IrVersion = options.IrVersion,
            ProducerName = options.ProducerName,
            ProducerVersion = ProducerVersion(),
            ModelVersion = 1,
            DocString = options.DocString ?? $"{graph.Name}; {BatchNormNote(graph, folded)}.",
            Graph = proto,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        AddMetadata(model, graph, folded, options);

        var problems = OnnxStructureCheck.Problems(model);
        if (problems.Count > 0)
            throw new InvalidDataException($"ONNX export of {graph.Name} built an invalid graph: {string.Join("; ", problems)}");
        return model;
    }

    /// <summary>Builds the model and writes it to <paramref name="path"/> atomically (parent folders are created).</summary>
    /// <returns>The full path written.</returns>
    /// <exception cref="InvalidDataException">The graph is invalid; nothing is written.</exception>
    /// <exception cref="IOException">The path is a directory or cannot be written; no partial file is left.</exception>
    public static string Write(ExportGraph graph, string path, OnnxExportOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var bytes = Build(graph, options).ToByteArray();
        var full = Path.GetFullPath(path);
        AtomicFile.WriteAllBytes(full, bytes, "ONNX model");
        return full;
    }

    /// <summary>The metadata_props as a dictionary (what ONNX Runtime's custom metadata map shows).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(ModelProto model) =>
        model.MetadataProps.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static GraphProto Proto(ExportGraph graph, OnnxExportOptions options)
    {
        // The graph's own input and output names give way to the caller's tensor names; an inner value
        // that happens to carry one of those names (a module called "output") or a name the writer adds
        // itself is renamed, so that no name is defined twice.
        var reserved = new HashSet<string>(StringComparer.Ordinal) { options.InputName, options.OutputName, "softmax", "identity" };
        if (options.ProbabilitiesName is { } p)
            reserved.Add(p);
        string Tensor(string value) =>
            value == graph.Output ? options.OutputName
            : value == graph.Input ? options.InputName
            : reserved.Contains(value) ? $"{value}/value"
            : value;
        var proto = new GraphProto { Name = graph.Name };
        proto.Input.Add(BatchedFloat(options.InputName, options.BatchDimension, [.. graph.InputShape]));
        foreach (var node in graph.Nodes)
            OnnxNodes.Add(proto, node.WithInputs(Tensor) with { Name = reserved.Contains(node.Name) ? $"{node.Name}/value" : node.Name }, Tensor(node.Name));
        if (graph.Output == graph.Input)
            proto.Node.Add(Node("Identity", "identity", [options.InputName], [options.OutputName]));
        proto.Output.Add(BatchedFloat(options.OutputName, options.BatchDimension, [.. graph.OutputShape]));
        if (options.ProbabilitiesName is { } probabilities)
        {
            proto.Node.Add(Node("Softmax", "softmax", [options.OutputName], [probabilities], Int("axis", 1)));
            proto.Output.Add(BatchedFloat(probabilities, options.BatchDimension, [.. graph.OutputShape]));
        }
        return proto;
    }

    // Only the nodes the output depends on (a traced forward may call a module whose result it drops).
    private static ExportGraph Used(ExportGraph graph)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal) { graph.Output };
        foreach (var node in graph.Nodes.Reverse())
        {
            if (needed.Contains(node.Name))
                needed.UnionWith(node.Inputs);
        }
        return graph.Nodes.All(n => needed.Contains(n.Name)) ? graph : graph.With([.. graph.Nodes.Where(n => needed.Contains(n.Name))], graph.Output);
    }

    private static void CheckClassLabels(ExportGraph graph, OnnxExportOptions options)
    {
        if (options.ClassLabels is not { } labels)
            return;
        if (graph.OutputShape.Count != 1 || graph.OutputShape[0] != labels.Count)
            throw new ArgumentException(
                $"ONNX export of {graph.Name}: {labels.Count} class labels for an output of shape {ExportGraph.Format(graph.OutputShape)} (one label per output value expected)",
                nameof(options));
    }

    private static string BatchNormNote(ExportGraph graph, bool folded) =>
        !graph.HasBatchNorm ? "no BatchNorm"
        : folded ? "BatchNorm folded into the weights"
        : "BatchNorm as BatchNormalization nodes";

    private static void AddMetadata(ModelProto model, ExportGraph graph, bool folded, OnnxExportOptions options)
    {
        void Add(string key, string value) => model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        Add(OnnxExportOptions.InputNameKey, options.InputName);
        Add(OnnxExportOptions.InputShapeKey, string.Join("x", graph.InputShape.Select(d => d.ToString(CultureInfo.InvariantCulture))));
        if (options.ClassLabels is { } labels)
            Add(OnnxExportOptions.ClassLabelsKey, JsonSerializer.Serialize(labels));
        Add(OnnxExportOptions.BatchNormFoldedKey, folded ? "true" : "false");
        foreach (var (key, value) in options.Metadata)
            Add(key, value);
    }

    private static string ProducerVersion()
    {
        var assembly = typeof(OnnxModelWriter).Assembly;
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "unknown";
    }
}
