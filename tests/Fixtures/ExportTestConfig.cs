// The repository's pipeline.yaml as JSON: the training config a test export records in its metadata,
// and the export of any weights to bytes that ONNX Runtime can load.
using MnistBn.Network.Onnx;
using MnistBn.Network.Weights;
using MnistBn.Shared;
using MnistBn.Shared.Configuration;

namespace MnistBn.TestFixtures;

internal static class ExportTestConfig
{
    public static readonly Lazy<string> Json = new(() =>
    {
        var root = RepositoryPaths.FindRoot();
        return PipelineConfigJson.Serialize(PipelineConfigLoader.Load(Path.Combine(root, RepositoryPaths.ConfigFileName)));
    });

    public static OnnxExportMetadata Metadata(string variant, IReadOnlyDictionary<string, double>? metrics = null) =>
        new(variant, Json.Value, metrics ?? new Dictionary<string, double>());

    public static byte[] ModelBytes(NetworkWeights weights, bool fold) =>
        Google.Protobuf.MessageExtensions.ToByteArray(
            OnnxExporter.BuildModel(weights, new StudyExportSettings(FoldBatchNorm: fold), Metadata(FixtureNetworks.VariantOf(weights.Description))));
}
