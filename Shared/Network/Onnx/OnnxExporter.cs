// The TorchSharp-free way to write a study model: a description's plain weights → DescriptionGraph →
// the exporter's OnnxModelWriter with the study's options. Training writes trained modules through
// MnistBn.OnnxExport.TorchSharp with the same StudyExport options, so both files carry the same graph
// and metadata.
using MnistBn.Network.Weights;
using MnistBn.OnnxExport;
using Onnx;

namespace MnistBn.Network.Onnx;

/// <summary>Builds and writes study models from <see cref="NetworkWeights"/>.</summary>
public static class OnnxExporter
{
    /// <summary>The complete model; throws <see cref="InvalidDataException"/> if its structure is invalid.</summary>
    public static ModelProto BuildModel(NetworkWeights weights, StudyExportSettings settings, OnnxExportMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return OnnxModelWriter.Build(DescriptionGraph.Build(weights), StudyExport.Options(settings, metadata));
    }

    /// <summary>Builds the model and writes it to <paramref name="path"/> atomically (parent folders are created).</summary>
    /// <returns>The full path written.</returns>
    /// <exception cref="InvalidDataException">The graph is invalid; nothing is written.</exception>
    /// <exception cref="IOException">The path is a directory or cannot be written; no partial file is left.</exception>
    public static string Export(NetworkWeights weights, string path, StudyExportSettings settings, OnnxExportMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return OnnxModelWriter.Write(DescriptionGraph.Build(weights), path, StudyExport.Options(settings, metadata));
    }
}
