// Real ONNX LeNet files for the web app's tests, written once per process by the project's own
// exporter from deterministic random weights (no training needed). Linked into the browser tests.
using MnistBn.Training.Export;

namespace MnistBn.WebApp.Tests;

internal static class FixtureModels
{
    private static readonly Lazy<string> Folder = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string BatchNorm => Path.Combine(Folder.Value, LeNetOnnxExporter.FileName("bn", foldBatchNorm: true));

    public static string NoBatchNorm => Path.Combine(Folder.Value, LeNetOnnxExporter.FileName("nobn", foldBatchNorm: true));

    /// <summary>A fresh temporary folder for one test's files.</summary>
    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "mnistbn-webapp-tests", Guid.NewGuid().ToString("N"));
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
            LeNetOnnxExporter.Export(weights, Path.Combine(folder, LeNetOnnxExporter.FileName(weights.Variant, foldBatchNorm: true)),
                new OnnxExportOptions(), metadata);
        }
        return folder;
    }
}
