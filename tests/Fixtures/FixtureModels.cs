// Real ONNX LeNet files for the tests, written once per process by Shared/Network's exporter from
// deterministic random weights (no training needed). One source file, linked into every test project
// that needs model files (Inference, WebApp, Packaging, browser tests, Training's evaluation tests);
// they reference the TorchSharp-free MnistBn.Network for it, so none of them but Training.Tests pulls
// in LibTorch.
using MnistBn.Network.Description;
using MnistBn.Network.Onnx;
using MnistBn.Network.Weights;
using MnistBn.Shared;

namespace MnistBn.TestFixtures;

internal static class FixtureModels
{
    // pipeline.yaml's model.batch_norm (the study's LeNet); Shared.Configuration has no default constant.
    // Only epsilon reaches the folded file; momentum is carried for the description's sake.
    private static readonly BatchNormSettings StudyBatchNorm = new(Momentum: 0.01, Epsilon: 1e-3);

    private static readonly Lazy<string> Folder = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>LeNet with folded BatchNorm (bn variant).</summary>
    public static string BatchNorm => Path.Combine(Folder.Value, FileName(VariantNames.BatchNorm));

    /// <summary>LeNet without BatchNorm (nobn variant).</summary>
    public static string NoBatchNorm => Path.Combine(Folder.Value, FileName(VariantNames.NoBatchNorm));

    /// <summary>A fresh temporary folder for one test's files.</summary>
    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "mnistbn-test-models", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Writes <paramref name="content"/> as <paramref name="name"/> in a fresh <see cref="TempFolder"/>; returns its path.</summary>
    public static string WriteTempFile(string name, byte[] content)
    {
        var path = Path.Combine(TempFolder(), name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>The study's LeNet of <paramref name="variant"/> with random weights from <paramref name="seed"/>.</summary>
    public static NetworkWeights RandomLeNet(string variant, int seed) =>
        RandomWeights.For(Networks.LeNet(variant, StudyBatchNorm), seed);

    private static string FileName(string variant) => StudyExport.FileName(Networks.LeNetName(variant), foldBatchNorm: true);

    private static string Create()
    {
        var folder = TempFolder();
        foreach (var (variant, seed) in new[] { (VariantNames.BatchNorm, 7), (VariantNames.NoBatchNorm, 11) })
        {
            OnnxExporter.Export(RandomLeNet(variant, seed), Path.Combine(folder, FileName(variant)),
                new StudyExportSettings(), OnnxExportMetadata.WithoutMetrics(variant, "{}"));
        }
        return folder;
    }
}
