// LeNet weights → a complete ONNX model (graph, opset, producer, metadata) → an atomically written
// file. The model contract (names, shape, scaling, labels) comes from Shared.ModelContract.
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Google.Protobuf;
using MnistBn.Shared;
using MnistBn.Shared.IO;
using Onnx;

namespace MnistBn.Training.Export;

/// <summary>Builds and writes LeNet ONNX models.</summary>
public static class LeNetOnnxExporter
{
    /// <summary>Written as the model's producer_name.</summary>
    public const string ProducerName = "mnistbn";

    /// <summary><c>lenet-&lt;variant&gt;.onnx</c>, or <c>lenet-&lt;variant&gt;-unfolded.onnx</c> for the unfolded graph.</summary>
    public static string FileName(string variant, bool foldBatchNorm) =>
        foldBatchNorm ? $"lenet-{variant}.onnx" : $"lenet-{variant}-unfolded.onnx";

    /// <summary>The complete model; throws <see cref="InvalidDataException"/> if it fails <see cref="OnnxStructureCheck"/>.</summary>
    public static ModelProto BuildModel(LeNetWeights weights, OnnxExportOptions options, OnnxExportMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(weights);
        options.Validate();
        var folded = options.FoldBatchNorm || !weights.HasBatchNorm;
        var model = new ModelProto
        {
            IrVersion = options.IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = ProducerVersion(),
            Domain = "mnistbn",
            ModelVersion = 1,
            DocString = $"LeNet ({weights.Variant}) on MNIST, trained with TorchSharp; BatchNorm {(folded ? "folded into the weights" : "as BatchNormalization nodes")}.",
            Graph = LeNetOnnxGraph.Build(weights, options.FoldBatchNorm),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        AddMetadata(model, weights.Variant, folded, metadata);

        var problems = OnnxStructureCheck.Problems(model);
        if (problems.Count > 0)
            throw new InvalidDataException($"ONNX export built an invalid graph: {string.Join("; ", problems)}");
        return model;
    }

    /// <summary>Builds the model and writes it to <paramref name="path"/> atomically (parent folders are created).</summary>
    /// <returns>The full path written.</returns>
    /// <exception cref="InvalidDataException">The weights do not fit LeNet; nothing is written.</exception>
    /// <exception cref="IOException">The path is a directory or cannot be written; no partial file is left.</exception>
    public static string Export(LeNetWeights weights, string path, OnnxExportOptions options, OnnxExportMetadata metadata)
    {
        var bytes = BuildModel(weights, options, metadata).ToByteArray();
        var full = Path.GetFullPath(path);
        AtomicFile.WriteAllBytes(full, bytes, "ONNX model");
        return full;
    }

    /// <summary>The metadata_props as a dictionary (what ONNX Runtime's custom metadata map shows).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(ModelProto model) =>
        model.MetadataProps.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static void AddMetadata(ModelProto model, string variant, bool folded, OnnxExportMetadata metadata)
    {
        void Add(string key, string value) => model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        Add(ModelMetadataKeys.Variant, variant);
        Add(ModelMetadataKeys.Dataset, metadata.Dataset);
        Add(ModelMetadataKeys.InputName, ModelContract.InputName);
        Add(ModelMetadataKeys.InputShape, $"{ModelContract.Channels}x{ModelContract.Height}x{ModelContract.Width}");
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
        var assembly = typeof(LeNetOnnxExporter).Assembly;
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "unknown";
    }
}
