// The inference NuGet packages as an app sees them: packed from this repository into a temporary
// local feed (PackedFeed), referenced by throwaway console apps outside the repository (local feed +
// the machine's usual sources), restored, built and run on real exported models. Also pins what the
// packages carry: XML docs, a README, and a lean dependency graph (ML.NET + ONNX Runtime +
// MnistBn.Contract: no TorchSharp, no YamlDotNet, no MnistBn.Shared).
using System.IO.Compression;
using System.Text.RegularExpressions;
using MnistBn.Inference;
using MnistBn.Shared;
using MnistBn.TestSupport;
using static MnistBn.Packaging.Tests.PackedFeed;

namespace MnistBn.Packaging.Tests;

[Collection(PackedFeedCollection.Name)]
public sealed partial class PackageTests
{
    private readonly PackedFeed _feed;

    public PackageTests(PackedFeed feed) => _feed = feed;

    [Fact]
    public void Inference_package_carries_xml_docs_readme_and_no_torchsharp()
    {
        using var package = ZipFile.OpenRead(_feed.PackagePath("MnistBn.Inference"));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        var nuspec = Nuspec(package);
        var dependencies = Dependencies(nuspec);

        Assert.Contains("lib/net10.0/MnistBn.Inference.dll", entries);
        Assert.Contains("lib/net10.0/MnistBn.Inference.xml", entries);
        Assert.Contains("README.md", entries);
        Assert.Equal("README.md", nuspec.Descendants().Single(e => e.Name.LocalName == "readme").Value);
        Assert.Contains(("MnistBn.Contract", _feed.Version), dependencies);
        Assert.DoesNotContain(dependencies, d => d.Id == "MnistBn.Shared" || d.Id == "YamlDotNet");
        Assert.Contains(dependencies, d => d.Id == "Microsoft.ML.OnnxRuntime");
        Assert.DoesNotContain(dependencies, d => d.Id.Contains("Torch", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("MIT", nuspec.Descendants().Single(e => e.Name.LocalName == "license").Value);
    }

    [Fact]
    public void Shared_package_carries_xml_docs_readme_and_no_ml_dependency()
    {
        using var package = ZipFile.OpenRead(_feed.PackagePath("MnistBn.Shared"));
        var entries = package.Entries.Select(e => e.FullName).ToList();

        Assert.Contains("lib/net10.0/MnistBn.Shared.xml", entries);
        Assert.Contains("README.md", entries);
        Assert.Equal(["MnistBn.Contract", "YamlDotNet"], Dependencies(Nuspec(package)).Select(d => d.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Contract_package_has_no_dependencies()
    {
        using var package = ZipFile.OpenRead(_feed.PackagePath("MnistBn.Contract"));
        Assert.Contains("lib/net10.0/MnistBn.Contract.xml", package.Entries.Select(e => e.FullName));
        Assert.Empty(Dependencies(Nuspec(package)));
    }

    [Fact]
    public void Throwaway_app_restores_the_package_from_a_local_feed_and_predicts()
    {
        var app = _feed.ConsumerApp("consumer", """
            using MnistBn.Inference;

            using var classifier = DigitClassifier.Create(args[0]);
            var pixels = new byte[784];
            for (var y = 4; y < 24; y++)
                for (var x = 13; x < 16; x++)
                    pixels[y * 28 + x] = 255;
            var p = classifier.PredictPixels(pixels);
            Console.WriteLine($"prediction: digit={p.Digit} confidence={p.Confidence:R}");
            """, ("MnistBn.Inference", _feed.Version));

        var output = DotnetCli.Run(app, TimeSpan.FromMinutes(3), "run", "-c", "Release", "--", FixtureModels.BatchNorm);

        var match = PredictionLine().Match(output);
        Assert.True(match.Success, output);
        var expected = ExpectedPrediction();
        Assert.Equal(expected.Digit, int.Parse(match.Groups["digit"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected.Confidence, float.Parse(match.Groups["confidence"].Value, System.Globalization.CultureInfo.InvariantCulture), 1e-6f);

        var assets = File.ReadAllText(Path.Combine(app, "obj", "project.assets.json"));
        Assert.Contains($"MnistBn.Inference/{_feed.Version}", assets);
        Assert.Contains($"MnistBn.Contract/{_feed.Version}", assets);
        foreach (var absent in new[] { "TorchSharp", "libtorch", "YamlDotNet", "MnistBn.Shared" })
            Assert.DoesNotContain(absent, assets, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task App_composes_the_estimator_into_its_own_pipeline_scores_the_test_set_and_reloads_the_saved_model()
    {
        var root = RepositoryPaths.FindRoot();
        var data = await MnistTestData.EnsureAsync();
        var app = _feed.ConsumerApp("estimator-consumer", EstimatorProgram, ("MnistBn.Inference", _feed.Version));
        var model = Path.Combine(root, "models", "lenet-bn.onnx");

        var output = DotnetCli.Run(app, TimeSpan.FromMinutes(3), "run", "-c", "Release", "--",
            model, Path.Combine(data, "t10k-images-idx3-ubyte"), Path.Combine(data, "t10k-labels-idx1-ubyte"), Path.Combine(app, "digits.zip"));

        var match = EstimatorLine().Match(output);
        Assert.True(match.Success, output);
        using var committed = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "models", "lenet-bn.metrics.json")));
        var correct = (int)Math.Round(committed.RootElement.GetProperty("onnx_ml_net").GetProperty("accuracy").GetDouble() * 10_000);
        Assert.Equal(10_000, int.Parse(match.Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(correct, int.Parse(match.Groups["correct"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(correct, int.Parse(match.Groups["reloaded"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0", match.Groups["differ"].Value);
    }

    // An app that reads the IDX test set itself, makes MLImages, loads them with LoadFromEnumerable,
    // composes ScoreDigits after a transform of its own, fits, scores, saves, reloads and scores again.
    private const string EstimatorProgram = """
        using Microsoft.ML;
        using Microsoft.ML.Data;
        using Microsoft.ML.Transforms.Image;
        using MnistBn.Inference;

        var (modelPath, imagesPath, labelsPath, savedPath) = (args[0], args[1], args[2], args[3]);
        var images = File.ReadAllBytes(imagesPath);
        var labels = File.ReadAllBytes(labelsPath);
        var count = labels.Length - 8;
        IEnumerable<Row> Rows()
        {
            for (var i = 0; i < count; i++)
            {
                var bgra = new byte[784 * 4];
                for (var p = 0; p < 784; p++)
                {
                    var v = images[16 + i * 784 + p];
                    (bgra[4 * p], bgra[4 * p + 1], bgra[4 * p + 2], bgra[4 * p + 3]) = (v, v, v, 255);
                }
                yield return new Row { Truth = labels[8 + i].ToString(), Image = MLImage.CreateFromPixels(28, 28, MLPixelFormat.Bgra32, bgra) };
            }
        }

        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(Rows());
        var pipeline = ml.Transforms.CopyColumns("TruthCopy", nameof(Row.Truth))
            .Append(ml.Transforms.ScoreDigits(modelPath, imageColumnName: nameof(Row.Image)))
            // PredictedLabel is a key, as ML.NET trainers make it; its key values are the labels.
            .Append(ml.Transforms.Conversion.MapKeyToValue(DigitColumns.PredictedLabel));
        var fitted = pipeline.Fit(data);
        var first = Predictions(ml, fitted);
        ml.Model.Save(fitted, data.Schema, savedPath);

        var other = new MLContext(seed: 0);
        other.RegisterDigitScoring();
        var loaded = other.Model.Load(savedPath, out _);
        var second = Predictions(other, loaded);
        var truth = Enumerable.Range(0, count).Select(i => labels[8 + i].ToString()).ToList();
        Console.WriteLine($"estimator: count={first.Count} correct={first.Where((p, i) => p == truth[i]).Count()} " +
            $"reloaded={second.Where((p, i) => p == truth[i]).Count()} differ={first.Where((p, i) => p != second[i]).Count()}");

        List<string> Predictions(MLContext context, ITransformer model) =>
            [.. context.Data.CreateEnumerable<Scored>(model.Transform(context.Data.LoadFromEnumerable(Rows())), reuseRowObject: false).Select(s => s.PredictedLabel)];

        sealed class Row
        {
            public string Truth { get; set; } = "";

            [ImageType(28, 28)]
            public MLImage? Image { get; set; }
        }

        sealed class Scored
        {
            [ColumnName(DigitColumns.PredictedLabel)]
            public string PredictedLabel { get; set; } = "";
        }
        """;

    private static DigitPrediction ExpectedPrediction()
    {
        var pixels = new byte[ModelContract.PixelCount];
        for (var y = 4; y < 24; y++)
            for (var x = 13; x < 16; x++)
                pixels[y * ModelContract.Width + x] = 255;
        using var classifier = DigitClassifier.Create(FixtureModels.BatchNorm);
        return classifier.PredictPixels(pixels);
    }

    [GeneratedRegex(@"prediction: digit=(?<digit>\d) confidence=(?<confidence>[0-9.Ee+-]+)")]
    private static partial Regex PredictionLine();

    [GeneratedRegex(@"estimator: count=(?<count>\d+) correct=(?<correct>\d+) reloaded=(?<reloaded>\d+) differ=(?<differ>\d+)")]
    private static partial Regex EstimatorLine();
}
