// Real ONNX LeNet files for the tests, written once per process by the project's own exporter from
// deterministic random weights (no training needed). One source file, linked into every test project
// that needs model files (Inference, WebApp, Packaging, browser tests), each of which references Training
// only for this.
using MnistBn.Training.Export;

namespace MnistBn.TestFixtures;

internal static class FixtureModels
{
    private static readonly Lazy<string> Folder = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>LeNet with folded BatchNorm (bn variant).</summary>
    public static string BatchNorm => Path.Combine(Folder.Value, LeNetOnnxExporter.FileName("bn", foldBatchNorm: true));

    /// <summary>LeNet without BatchNorm (nobn variant).</summary>
    public static string NoBatchNorm => Path.Combine(Folder.Value, LeNetOnnxExporter.FileName("nobn", foldBatchNorm: true));

    /// <summary>A fresh temporary folder for one test's files.</summary>
    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "mnistbn-test-models", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static string Create()
    {
        var folder = TempFolder();
        var metadata = OnnxExportMetadata.WithoutMetrics("{}");
        foreach (var batchNorm in new[] { true, false })
        {
            var weights = LeNetWeights.Random(seed: batchNorm ? 7 : 11, batchNorm);
            var path = Path.Combine(folder, LeNetOnnxExporter.FileName(weights.Variant, foldBatchNorm: true));
            LeNetOnnxExporter.Export(weights, path, new OnnxExportOptions(), metadata);
        }
        return folder;
    }
}
