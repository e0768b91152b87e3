// ML.NET's own evaluator on the estimator's output with every default: a user who labels their rows
// with a key column "Label" (the digits in class order) gets the committed model's accuracy and
// log-loss from mlContext.MulticlassClassification.Evaluate, as with any ML.NET multiclass trainer.
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using MnistBn.Shared;
using MnistBn.TestSupport;

namespace MnistBn.Inference.Tests;

public sealed class MulticlassEvaluateTests
{
    private static readonly string Root = RepositoryPaths.FindRoot();

    private sealed class Row
    {
        public string Digit { get; set; } = "";

        [ColumnName(DigitColumns.Image)]
        [ImageType(ModelContract.Height, ModelContract.Width)]
        public MLImage? Image { get; set; }
    }

    private sealed class ClassName
    {
        public string Digit { get; set; } = "";
    }

    [Theory]
    [InlineData("bn")]
    [InlineData("nobn")]
    public async Task Evaluate_with_default_columns_reports_the_committed_accuracy_and_log_loss(string variant)
    {
        var test = await MnistTestData.TestSetAsync();
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, test.Count).Select(i => new Row
        {
            Digit = ModelContract.ClassLabels[test.Labels[i]],
            Image = new GrayImage(ModelContract.Width, ModelContract.Height, test.Image(i).ToArray()).ToMLImage(),
        });
        var data = ml.Data.LoadFromEnumerable(rows);
        var classes = ml.Data.LoadFromEnumerable(ModelContract.ClassLabels.Select(label => new ClassName { Digit = label }));
        var model = ml.Transforms.Conversion.MapValueToKey("Label", nameof(Row.Digit), keyData: classes)
            .Append(ml.Transforms.ScoreDigits(Path.Combine(Root, "models", $"lenet-{variant}.onnx")))
            .Fit(data);

        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data));

        var committed = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "models", $"lenet-{variant}.metrics.json"))).RootElement.GetProperty("onnx_ml_net");
        Assert.Equal(committed.GetProperty("accuracy").GetDouble(), metrics.MicroAccuracy, 6);
        Assert.Equal(committed.GetProperty("mean_cross_entropy").GetDouble(), metrics.LogLoss, 4);
        Assert.Equal(ModelContract.ClassCount, metrics.PerClassLogLoss.Count);
    }
}
