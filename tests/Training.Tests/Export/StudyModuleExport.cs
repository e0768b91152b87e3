// How the tests export a study module: its plain Sequential view through the exporter package's one
// call, with the study's options, exactly as TrainedModelExporter does for `mnistbn export`.
using MnistBn.Network.Onnx;
using MnistBn.OnnxExport.TorchSharp;
using MnistBn.Training.Model;
using Onnx;

namespace MnistBn.Training.Tests.Export;

internal static class StudyModuleExport
{
    public static string Write(NetworkModule model, string path, bool fold) =>
        model.ExportView().ExportOnnx(path, InputShape(model), Options(model, fold));

    public static ModelProto Build(NetworkModule model, bool fold) =>
        model.ExportView().ToOnnxModel(InputShape(model), Options(model, fold));

    private static long[] InputShape(NetworkModule model) => [.. model.Description.InputShape.Select(d => (long)d)];

    private static MnistBn.OnnxExport.OnnxExportOptions Options(NetworkModule model, bool fold) =>
        StudyExport.Options(new StudyExportSettings(FoldBatchNorm: fold), ExportTestConfig.Metadata(FixtureNetworks.VariantOf(model.Description)))
            with { GraphName = model.Description.Name };
}
