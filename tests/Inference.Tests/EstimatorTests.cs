// The public estimator (mlContext.Transforms.ScoreDigits) composed into a user's own pipeline: it
// scores the test set exactly like DigitClassifier's pipeline (its batch path, PredictBatch), and a
// fitted model saved with mlContext.Model.Save loads in another context and scores identically.
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using MnistBn.Shared;
using MnistBn.Shared.Data;
using MnistBn.TestSupport;

namespace MnistBn.Inference.Tests;

public sealed class EstimatorTests
{
    private const int Images = 10_000;

    // The committed model of the study (README command 1): its test accuracy is known.
    private static readonly string StudyModel = Path.Combine(RepositoryPaths.FindRoot(), "models", "lenet-bn.onnx");

    private sealed class UserRow
    {
        public float Label { get; set; }

        [ImageType(ModelContract.Height, ModelContract.Width)]
        public MLImage? Photo { get; set; }
    }

    private sealed class ScoredRow
    {
        public float Label { get; set; }

        [ColumnName(DigitColumns.Score)]
        [VectorType(ModelContract.ClassCount)]
        public float[] Score { get; set; } = [];

        // A key, as ML.NET's trainers produce: k + 1 stands for class k.
        [ColumnName(DigitColumns.PredictedLabel)]
        public uint PredictedLabel { get; set; }
    }

    private static IEnumerable<UserRow> Rows(LabeledImages test)
    {
        for (var i = 0; i < Images; i++)
            yield return new UserRow { Label = test.Labels[i], Photo = Digit(test, i).ToMLImage() };
    }

    private static GrayImage Digit(LabeledImages test, int index) => new(ModelContract.Width, ModelContract.Height, test.Image(index).ToArray());

    private static List<ScoredRow> Score(MLContext ml, ITransformer model, LabeledImages test) =>
        [.. ml.Data.CreateEnumerable<ScoredRow>(model.Transform(ml.Data.LoadFromEnumerable(Rows(test))), reuseRowObject: false)];

    [Fact]
    public async Task Composed_after_user_transforms_it_scores_like_the_classifier_and_survives_save_and_load()
    {
        var test = await MnistTestData.TestSetAsync();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(test));
        var pipeline = ml.Transforms.CopyColumns("LabelCopy", nameof(UserRow.Label))
            .Append(ml.Transforms.ScoreDigits(StudyModel, imageColumnName: nameof(UserRow.Photo)));

        var model = pipeline.Fit(data);
        var scored = Score(ml, model, test);

        using var classifier = DigitClassifier.Create(StudyModel);
        var reference = classifier.PredictBatch([.. Enumerable.Range(0, Images).Select(i => Digit(test, i))]);
        var referenceAccuracy = Enumerable.Range(0, Images).Count(i => reference[i].Digit == test.Labels[i]) / (double)Images;
        for (var i = 0; i < Images; i++)
        {
            Assert.Equal(reference[i].Probabilities.ToArray(), scored[i].Score);
            Assert.Equal((uint)reference[i].Digit + 1, scored[i].PredictedLabel);
        }
        var accuracy = scored.Count(r => r.PredictedLabel == (uint)r.Label + 1) / (double)Images;
        Assert.Equal(referenceAccuracy, accuracy);
        Assert.True(accuracy > 0.99, $"accuracy {accuracy} of the committed BN model on the 10,000 test images");

        var path = Path.Combine(FixtureModels.TempFolder(), "digits.zip");
        ml.Model.Save(model, data.Schema, path);
        var other = new MLContext();
        other.RegisterDigitScoring();
        var loaded = other.Model.Load(path, out _);

        var reloaded = Score(other, loaded, test);
        Assert.Equal(scored.Select(r => r.Score), reloaded.Select(r => r.Score));
        Assert.Equal(scored.Select(r => r.PredictedLabel), reloaded.Select(r => r.PredictedLabel));
    }

    [Fact]
    public void Missing_model_fails_when_the_estimator_is_made_naming_the_file()
    {
        var path = Path.Combine(FixtureModels.TempFolder(), "absent.onnx");
        var error = Assert.Throws<FileNotFoundException>(() => new MLContext().Transforms.ScoreDigits(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Output_columns_are_the_documented_constants()
    {
        var ml = new MLContext();
        var empty = ml.Data.LoadFromEnumerable(Array.Empty<Pipeline.DigitImageInput>());
        var schema = ml.Transforms.ScoreDigits(FixtureModels.BatchNorm).Fit(empty).GetOutputSchema(empty.Schema);
        Assert.NotNull(schema.GetColumnOrNull(DigitColumns.Score));
        Assert.NotNull(schema.GetColumnOrNull(DigitColumns.Logits));
        Assert.NotNull(schema.GetColumnOrNull(DigitColumns.PredictedLabel));
        Assert.Null(schema.GetColumnOrNull(ModelContract.InputName)); // intermediate columns are dropped
    }
}
