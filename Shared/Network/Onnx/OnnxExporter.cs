// Network weights → a complete ONNX model (graph, opset, producer, metadata) → an atomically written
// file. Works for any NetworkDescription (OnnxGraph says which layers); the model contract (tensor
// names, pixel scaling, labels) comes from Shared.ModelContract.
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Google.Protobuf;
using MnistBn.Network.Weights;
using MnistBn.Shared;
using MnistBn.Shared.IO;
using Onnx;

namespace MnistBn.Network.Onnx;

/// <summary>Builds and writes ONNX models.</summary>
public static class OnnxExporter
{
    /// <summary>Written as the model's producer_name.</summary>
    public const string ProducerName = "mnistbn";

    /// <summary><c>&lt;network&gt;.onnx</c>, or <c>&lt;network&gt;-unfolded.onnx</c> for the unfolded graph (e.g. <c>lenet-bn.onnx</c>).</summary>
    public static string FileName(string networkName, bool foldBatchNorm) =>
        foldBatchNorm ? $"{networkName}.onnx" : $"{networkName}-unfolded.onnx";

    /// <summary>The complete model; throws <see cref="InvalidDataException"/> if it fails <see cref="OnnxStructureCheck"/>.</summary>
    public static ModelProto BuildModel(NetworkWeights weights, OnnxExportOptions options, OnnxExportMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(weights);
        options.Validate();
        var graph = OnnxGraph.Build(weights, options.FoldBatchNorm);
        // "Folded" means what a reader of the file can rely on: no BatchNormalization node is left.
        var folded = !OnnxGraph.HasBatchNormalization(graph);
        var model = new ModelProto
        {
            IrVersion = options.IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = ProducerVersion(),
            Domain = "mnistbn",
            ModelVersion = 1,
            DocString = $"{weights.Description.Name}, trained with TorchSharp; {BatchNormNote(weights, folded)}.",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        AddMetadata(model, weights, folded, metadata);

        var problems = OnnxStructureCheck.Problems(model);
        if (problems.Count > 0)
            throw new InvalidDataException($"ONNX export built an invalid graph: {string.Join("; ", problems)}");
        return model;
    }

    /// <summary>Builds the model and writes it to <paramref name="path"/> atomically (parent folders are created).</summary>
    /// <returns>The full path written.</returns>
    /// <exception cref="InvalidDataException">The graph is invalid; nothing is written.</exception>
    /// <exception cref="IOException">The path is a directory or cannot be written; no partial file is left.</exception>
    public static string Export(NetworkWeights weights, string path, OnnxExportOptions options, OnnxExportMetadata metadata)
    {
        var bytes = BuildModel(weights, options, metadata).ToByteArray();
        var full = Path.GetFullPath(path);
        AtomicFile.WriteAllBytes(full, bytes, "ONNX model");
        return full;
    }

    /// <summary>The metadata_props as a dictionary (what ONNX Runtime's custom metadata map shows).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(ModelProto model) =>
        model.MetadataProps.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static string BatchNormNote(NetworkWeights weights, bool folded) =>
        !weights.Description.HasBatchNorm ? "no BatchNorm"
        : folded ? "BatchNorm folded into the weights"
        : "BatchNorm as BatchNormalization nodes";

    private static void AddMetadata(ModelProto model, NetworkWeights weights, bool folded, OnnxExportMetadata metadata)
    {
        void Add(string key, string value) => model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        Add(ModelMetadataKeys.Variant, metadata.Variant);
        Add(ModelMetadataKeys.Dataset, metadata.Dataset);
        Add(ModelMetadataKeys.InputName, ModelContract.InputName);
        Add(ModelMetadataKeys.InputShape, string.Join("x", weights.Description.InputShape));
        // "R" keeps every bit of the float, so a reader reproduces the training-time scaling exactly.
        Add(ModelMetadataKeys.PixelOffset, ModelContract.PixelOffset.ToString("R", CultureInfo.InvariantCulture));
        Add(ModelMetadataKeys.PixelScale, ModelContract.PixelScale.ToString("R", CultureInfo.InvariantCulture));
        Add(ModelMetadataKeys.ClassLabels, JsonSerializer.Serialize(metadata.ClassLabels));
        Add(ModelMetadataKeys.BatchNormFolded, folded ? "true" : "false");
        Add(ModelMetadataKeys.TrainingConfig, metadata.TrainingConfigJson);
        Add(ModelMetadataKeys.TestMetrics, JsonSerializer.Serialize(metadata.TestMetrics));
    }

    private static string ProducerVersion()
    {
        var assembly = typeof(OnnxExporter).Assembly;
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "unknown";
    }
}
