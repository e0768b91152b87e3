// Writing model files: metadata round trip through ONNX Runtime, atomic writes, and bad targets.
using MnistBn.OnnxExport;
using MnistBn.OnnxExport.Onnx;
using MnistBn.OnnxExport.Weights;
using System.Text.Json;
using MnistBn.Shared;
using MnistBn.Network.Description;
using MnistBn.Network.Onnx;
using MnistBn.Network.Weights;
using Onnx;

namespace MnistBn.Network.Tests;

public sealed class OnnxExporterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mnistbn-export-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Metadata_round_trips_through_the_file_and_onnx_runtime()
    {
        var metrics = new Dictionary<string, double> { ["accuracy"] = 0.9908, ["loss"] = 0.0307 };
        var path = OnnxExporter.Export(Random("lenet-bn"), Path.Combine(_directory, "m.onnx"),
            new StudyExportSettings(), ExportTestConfig.Metadata("bn", metrics));

        using var runner = new OnnxRunner(path);
        var map = runner.CustomMetadata;
        Assert.Equal("bn", map[ModelMetadataKeys.Variant]);
        Assert.Equal("MNIST", map[ModelMetadataKeys.Dataset]);
        Assert.Equal("true", map[ModelMetadataKeys.BatchNormFolded]);
        Assert.Equal(ModelContract.InputName, map[ModelMetadataKeys.InputName]);
        Assert.Equal(ModelContract.PixelScale, float.Parse(map[ModelMetadataKeys.PixelScale], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ModelContract.PixelOffset, float.Parse(map[ModelMetadataKeys.PixelOffset], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ModelContract.ClassLabels, JsonSerializer.Deserialize<string[]>(map[ModelMetadataKeys.ClassLabels]));
        Assert.Equal(ExportTestConfig.Json.Value, map[ModelMetadataKeys.TrainingConfig]);
        Assert.Equal(metrics, JsonSerializer.Deserialize<Dictionary<string, double>>(map[ModelMetadataKeys.TestMetrics]));

        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(StudyExport.ProducerName, model.ProducerName);
        Assert.False(string.IsNullOrEmpty(model.ProducerVersion));
    }

    [Fact]
    public void Unfolded_export_records_bn_folded_false()
    {
        var model = OnnxExporter.BuildModel(Random("lenet-bn"), new StudyExportSettings(FoldBatchNorm: false), ExportTestConfig.Metadata("bn"));

        Assert.Equal("false", OnnxModelWriter.ReadMetadata(model)[ModelMetadataKeys.BatchNormFolded]);
    }

    [Fact]
    public void Export_creates_missing_parent_directories_and_leaves_no_temp_file()
    {
        var path = Path.Combine(_directory, "a", "b", StudyExport.FileName("lenet-nobn", foldBatchNorm: true));

        OnnxExporter.Export(Random("lenet-nobn"), path, new StudyExportSettings(), ExportTestConfig.Metadata("nobn"));

        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
        Assert.Empty(OnnxStructureCheck.Problems(ModelProto.Parser.ParseFrom(File.ReadAllBytes(path))));
    }

    [Fact]
    public void Export_replaces_an_existing_file()
    {
        var path = Path.Combine(_directory, "m.onnx");
        File.WriteAllText(path, "old");

        OnnxExporter.Export(Random("lenet-nobn"), path, new StudyExportSettings(), ExportTestConfig.Metadata("nobn"));

        Assert.Equal("nobn", OnnxModelWriter.ReadMetadata(ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)))[ModelMetadataKeys.Variant]);
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public void Wrong_shaped_weights_fail_before_any_file_is_written()
    {
        var path = Path.Combine(_directory, "m.onnx");
        var network = FixtureNetworks.ByName("lenet-nobn");
        var w = RandomWeights.For(network, 4);
        var layers = network.Layers.Where(l => l is ConvLayer or LinearLayer).ToDictionary(l => l.Name, l => w.Layer(l.Name));
        layers["fc1"] = new LayerWeights([120, 256], new float[120 * 256], w.Layer("fc1").Bias);

        var error = Assert.Throws<InvalidDataException>(() => OnnxExporter.Export(
            new NetworkWeights(network, layers, new Dictionary<string, BatchNormStatistics>()),
            path, new StudyExportSettings(), ExportTestConfig.Metadata("nobn")));

        Assert.Contains("fc1.weight has shape [120, 256], expected [120, 400]", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void Target_that_is_a_directory_fails_clearly_and_leaves_no_file()
    {
        var target = Directory.CreateDirectory(Path.Combine(_directory, "model.onnx")).FullName;

        var error = Assert.Throws<IOException>(() =>
            OnnxExporter.Export(Random("lenet-nobn"), target, new StudyExportSettings(), ExportTestConfig.Metadata("nobn")));

        Assert.Contains($"'{target}': it is a directory", error.Message);
        Assert.Equal([target], Directory.GetFileSystemEntries(_directory));
        Assert.Empty(Directory.GetFileSystemEntries(target));
    }

    [Fact]
    public void Target_under_a_file_fails_clearly_and_leaves_no_file()
    {
        // Runs as root in CI too, where permission bits do not stop writes: a parent that is a regular
        // file is unwritable for everyone.
        var blocker = Path.Combine(_directory, "not-a-directory");
        File.WriteAllText(blocker, "x");
        var target = Path.Combine(blocker, "model.onnx");

        var error = Assert.ThrowsAny<IOException>(() =>
            OnnxExporter.Export(Random("lenet-nobn"), target, new StudyExportSettings(), ExportTestConfig.Metadata("nobn")));

        Assert.Contains($"Cannot write ONNX model to '{target}'", error.Message);
        Assert.Equal([blocker], Directory.GetFileSystemEntries(_directory));
        Assert.Equal("x", File.ReadAllText(blocker));
    }

    [Fact]
    public void Bn_after_export_records_bn_folded_false_even_when_folding()
    {
        // The key says what a reader can rely on: BatchNorm after an activation stays a node.
        var model = OnnxExporter.BuildModel(Random("lenet-bn-after"), new StudyExportSettings(), ExportTestConfig.Metadata("bn-after"));

        Assert.Equal("false", OnnxModelWriter.ReadMetadata(model)[ModelMetadataKeys.BatchNormFolded]);
    }

    [Fact]
    public void Input_shape_metadata_comes_from_the_description()
    {
        var model = OnnxExporter.BuildModel(Random("conv3-bn"), new StudyExportSettings(), ExportTestConfig.Metadata("bn"));

        Assert.Equal("1x28x28", OnnxModelWriter.ReadMetadata(model)[ModelMetadataKeys.InputShape]);
        Assert.Equal("conv3-bn", model.Graph.Name);
    }

    [Fact]
    public void File_names_follow_the_network_name_and_folding()
    {
        Assert.Equal("lenet-bn.onnx", StudyExport.FileName(Networks.LeNetName("bn"), foldBatchNorm: true));
        Assert.Equal("lenet-bn-unfolded.onnx", StudyExport.FileName(Networks.LeNetName("bn"), foldBatchNorm: false));
    }

    private static NetworkWeights Random(string name) => RandomWeights.For(FixtureNetworks.ByName(name), 4);
}
