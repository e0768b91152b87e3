// Any labelled IDX data set, not only MNIST: pipeline.yaml's data.name and data.class_labels reach the
// exported model's metadata, the report (title and tables, without the MNIST reference study's
// columns), and the classifier's and the estimator's predicted labels. The data set is made by the
// test: real MNIST images written as new IDX files whose ten classes have names.
using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Data;
using MnistBn.Inference;
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Shared.Data;
using MnistBn.TestSupport;
using MnistBn.Training.Export;
using MnistBn.Training.Loop;
using MnistBn.Training.Stages;

namespace MnistBn.Training.Tests.Stages;

public sealed class NamedDatasetTests : IDisposable
{
    private const string Name = "Digits in words";
    private static readonly string[] Labels = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Named_classes_reach_model_metadata_report_and_predictions()
    {
        var config = await NamedDatasetConfig();
        var root = RepositoryPaths.FindRoot();
        var report = await new StudyRunner(config, root, force: false, _ => { })
            .RunAsync("test", train => train(NoProgress.Instance), CancellationToken.None);
        var model = new StudyPaths(config, root).Model("bn");

        using (var runner = new OnnxRunner(model))
        {
            Assert.Equal(Name, runner.CustomMetadata[ModelMetadataKeys.Dataset]);
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(Labels), runner.CustomMetadata[ModelMetadataKeys.ClassLabels]);
        }

        var markdown = File.ReadAllText(Path.Combine(config.Report.Directory, "README.md"));
        Assert.StartsWith($"# Batch Normalization on {Name}: LeNet with and without BN", markdown);
        Assert.Contains($"{report.Variants[0].OnnxMlNet.Count:N0} {Name} test images", markdown);
        Assert.Contains("| true \\ predicted | zero | one | two | three | four | five | six | seven | eight | nine | recall |", markdown);
        Assert.DoesNotContain("reference accuracy", markdown);
        Assert.DoesNotContain("reference study", markdown);

        var test = MnistDataset.LoadTest(config.Data.Directory, config.Data.Files);
        using var classifier = DigitClassifier.Create(model);
        Assert.Equal(Labels, classifier.ClassLabels);
        var predictions = Enumerable.Range(0, 200).Select(i => classifier.PredictPixels(test.Image(i))).ToList();
        Assert.All(predictions, p => Assert.Equal(Labels[p.Digit], p.Label));
        var correct = predictions.Where((p, i) => p.Label == Labels[test.Labels[i]]).Count();
        Assert.True(correct > 150, $"{correct} of 200 test images labelled correctly after one epoch");

        var ml = new MLContext();
        var rows = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 200).Select(i => new ImageRow { Image = new GrayImage(28, 28, test.Image(i).ToArray()).ToMLImage() }));
        var scored = ml.Data.CreateEnumerable<LabelRow>(ml.Transforms.ScoreDigits(model)
            .Append(ml.Transforms.Conversion.MapKeyToValue(DigitColumns.PredictedLabel)).Fit(rows).Transform(rows), reuseRowObject: false);
        // PredictedLabel is a key whose key values are the model's class names: MapKeyToValue gives "seven".
        Assert.Equal(predictions.Select(p => p.Label), scored.Select(r => r.PredictedLabel));
    }

    [Fact]
    public void Class_labels_must_be_ten_distinct_names()
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryPaths.FindRoot(), RepositoryPaths.ConfigFileName));
        var error = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Parse(yaml, "pipeline.yaml", ["data.class_labels=[a, b]"]));
        Assert.Equal("--set data.class_labels=[a, b]: 'data.class_labels': expected 10 labels (one per model output), got 2", error.Message);
        error = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Parse(yaml, "pipeline.yaml", ["data.class_labels=[a, b, c, d, e, f, g, h, i, a]"]));
        Assert.Contains("'a' is listed twice", error.Message);
    }

    private sealed class ImageRow
    {
        [Microsoft.ML.Transforms.Image.ImageType(28, 28)]
        [ColumnName(DigitColumns.Image)]
        public MLImage? Image { get; set; }
    }

    private sealed class LabelRow
    {
        [ColumnName(DigitColumns.PredictedLabel)]
        public string PredictedLabel { get; set; } = "";
    }

    // The first 3,000 training and 500 test images of MNIST, written as a data set of its own.
    private async Task<PipelineConfig> NamedDatasetConfig()
    {
        var mnist = MnistDataset.Load(await MnistTestData.EnsureAsync(), MnistTestData.Config.Data.Files);
        var source = Directory.CreateDirectory(Path.Combine(_temp.Path, "source")).FullName;
        var files = new DataFiles(
            WriteImages(source, "words-train-images", mnist.Train.Take(3000)),
            WriteLabels(source, "words-train-labels", mnist.Train.Take(3000)),
            WriteImages(source, "words-test-images", mnist.Test.Take(500)),
            WriteLabels(source, "words-test-labels", mnist.Test.Take(500)));
        var repository = MnistTestData.Config;
        return repository with
        {
            Data = new DataConfig(Path.Combine(_temp.Path, "data"), [new DataSource("directory", source, false, "")], files)
            {
                Name = Name,
                ClassLabels = Labels,
            },
            Model = repository.Model with { BatchNorm = repository.Model.BatchNorm with { Momentum = 0.1 } },
            Training = repository.Training with
            {
                Epochs = 1, BatchSize = 32, Threads = 2, TrainSubset = 0, TestSubset = 0,
                OutputDirectory = Path.Combine(_temp.Path, "runs"),
            },
            Export = repository.Export with { Directory = Path.Combine(_temp.Path, "models") },
            Report = new ReportConfig(Path.Combine(_temp.Path, "reports")),
        };
    }

    private static DataFile WriteImages(string folder, string name, LabeledImages data)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), data.Count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), data.Rows);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), data.Columns);
        return Write(folder, name, [.. header, .. data.Pixels]);
    }

    private static DataFile WriteLabels(string folder, string name, LabeledImages data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), data.Count);
        return Write(folder, name, [.. header, .. data.Labels]);
    }

    private static DataFile Write(string folder, string name, byte[] bytes)
    {
        File.WriteAllBytes(Path.Combine(folder, name), bytes);
        return new DataFile(name, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }
}
