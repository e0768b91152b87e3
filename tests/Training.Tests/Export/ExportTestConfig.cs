// The repository's pipeline.yaml as JSON: the training config a test export records in its metadata.
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Export;

namespace MnistBn.Training.Tests.Export;

internal static class ExportTestConfig
{
    public static readonly Lazy<string> Json = new(() =>
    {
        var root = RepositoryPaths.FindRoot();
        return PipelineConfigJson.Serialize(PipelineConfigLoader.Load(Path.Combine(root, RepositoryPaths.ConfigFileName)));
    });

    public static OnnxExportMetadata Metadata(IReadOnlyDictionary<string, double>? metrics = null) =>
        new(Json.Value, metrics ?? new Dictionary<string, double>());

    public static byte[] ModelBytes(LeNetWeights weights, bool fold) =>
        Google.Protobuf.MessageExtensions.ToByteArray(LeNetOnnxExporter.BuildModel(weights, new OnnxExportOptions(FoldBatchNorm: fold), Metadata()));
}
