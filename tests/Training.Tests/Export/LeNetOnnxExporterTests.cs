// Writing model files: metadata round trip through ONNX Runtime, atomic writes, and bad targets.
using System.Text.Json;
using MnistBn.Shared;
using MnistBn.Training.Export;
using Onnx;

namespace MnistBn.Training.Tests.Export;

public sealed class LeNetOnnxExporterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mnistbn-export-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Metadata_round_trips_through_the_file_and_onnx_runtime()
    {
        var metrics = new Dictionary<string, double> { ["accuracy"] = 0.9908, ["loss"] = 0.0307 };
        var path = LeNetOnnxExporter.Export(LeNetWeights.Random(4, batchNorm: true), Path.Combine(_directory, "m.onnx"),
            new OnnxExportOptions(), ExportTestConfig.Metadata(metrics));

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
        Assert.Equal(LeNetOnnxExporter.ProducerName, model.ProducerName);
        Assert.False(string.IsNullOrEmpty(model.ProducerVersion));
    }

    [Fact]
    public void Unfolded_export_records_bn_folded_false()
    {
        var model = LeNetOnnxExporter.BuildModel(LeNetWeights.Random(4, batchNorm: true), new OnnxExportOptions(FoldBatchNorm: false), ExportTestConfig.Metadata());

        Assert.Equal("false", LeNetOnnxExporter.ReadMetadata(model)[ModelMetadataKeys.BatchNormFolded]);
    }

    [Fact]
    public void Export_creates_missing_parent_directories_and_leaves_no_temp_file()
    {
        var path = Path.Combine(_directory, "a", "b", LeNetOnnxExporter.FileName("nobn", foldBatchNorm: true));

        LeNetOnnxExporter.Export(LeNetWeights.Random(4, batchNorm: false), path, new OnnxExportOptions(), ExportTestConfig.Metadata());

        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
        Assert.Empty(OnnxStructureCheck.Problems(ModelProto.Parser.ParseFrom(File.ReadAllBytes(path))));
    }

    [Fact]
    public void Export_replaces_an_existing_file()
    {
        var path = Path.Combine(_directory, "m.onnx");
        File.WriteAllText(path, "old");

        LeNetOnnxExporter.Export(LeNetWeights.Random(4, batchNorm: false), path, new OnnxExportOptions(), ExportTestConfig.Metadata());

        Assert.Equal("nobn", LeNetOnnxExporter.ReadMetadata(ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)))[ModelMetadataKeys.Variant]);
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public void Wrong_shaped_weights_fail_before_any_file_is_written()
    {
        var path = Path.Combine(_directory, "m.onnx");
        var w = LeNetWeights.Random(4, batchNorm: false);

        var error = Assert.Throws<InvalidDataException>(() => LeNetOnnxExporter.Export(
            new LeNetWeights(w.Conv1, w.Conv2, new LayerWeights([120, 256], new float[120 * 256], w.Fc1.Bias), w.Fc2, w.Fc3),
            path, new OnnxExportOptions(), ExportTestConfig.Metadata()));

        Assert.Contains("fc1.weight has shape [120, 256], expected [120, 400]", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void Target_that_is_a_directory_fails_clearly_and_leaves_no_file()
    {
        var target = Directory.CreateDirectory(Path.Combine(_directory, "model.onnx")).FullName;

        var error = Assert.Throws<IOException>(() =>
            LeNetOnnxExporter.Export(LeNetWeights.Random(4, batchNorm: false), target, new OnnxExportOptions(), ExportTestConfig.Metadata()));

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
            LeNetOnnxExporter.Export(LeNetWeights.Random(4, batchNorm: false), target, new OnnxExportOptions(), ExportTestConfig.Metadata()));

        Assert.Contains($"Cannot write ONNX model to '{target}'", error.Message);
        Assert.Equal([blocker], Directory.GetFileSystemEntries(_directory));
        Assert.Equal("x", File.ReadAllText(blocker));
    }

    [Fact]
    public void File_names_follow_variant_and_folding()
    {
        Assert.Equal("lenet-bn.onnx", LeNetOnnxExporter.FileName("bn", foldBatchNorm: true));
        Assert.Equal("lenet-bn-unfolded.onnx", LeNetOnnxExporter.FileName("bn", foldBatchNorm: false));
    }
}
