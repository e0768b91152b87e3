// The ML.NET pipeline (per-image engine and batch Transform) must score exactly like plain ONNX
// Runtime (Training's DirectOnnxScorer) on the same model and the same real MNIST test images.
using MnistBn.Inference;
using MnistBn.TestSupport;
using MnistBn.Training.OnnxEvaluation;

namespace MnistBn.Training.Tests.OnnxEvaluation;

public sealed class PipelineEquivalenceTests
{
    private const int Images = 300;

    public static TheoryData<string> Variants => ["bn", "nobn"];

    private static string Model(string variant) => variant == "bn" ? FixtureModels.BatchNorm : FixtureModels.NoBatchNorm;

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Classifier_matches_direct_onnx_runtime_within_1e6(string variant)
    {
        var test = (await MnistTestData.TestSetAsync()).Take(Images);
        using var direct = new DirectOnnxScorer(Model(variant), batchSize: 64);
        using var classifier = DigitClassifier.Create(Model(variant));
        var expected = direct.Score(test.Pixels);
        for (var i = 0; i < test.Count; i++)
        {
            var prediction = classifier.PredictPixels(test.Image(i));
            Assertions.Close(expected.ProbabilitiesOf(i), prediction.Probabilities, 1e-6, $"image {i} probabilities");
            Assertions.Close(expected.LogitsOf(i), prediction.Logits, 1e-5, $"image {i} logits");
            Assert.Equal(expected.PredictedClass(i), prediction.Digit);
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Evaluator_batch_transform_matches_direct_onnx_runtime_within_1e6(string variant)
    {
        var test = (await MnistTestData.TestSetAsync()).Take(Images);
        using var direct = new DirectOnnxScorer(Model(variant));
        using var evaluator = ModelEvaluator.Create(Model(variant));
        var expected = direct.Score(test.Pixels);
        var actual = evaluator.Score(test);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < test.Count; i++)
        {
            Assertions.Close(expected.ProbabilitiesOf(i), actual.ProbabilitiesOf(i).ToArray(), 1e-6, $"image {i}");
            Assert.Equal(expected.PredictedClass(i), actual.PredictedClass(i));
        }
    }

    [Fact]
    public async Task Direct_scorer_gives_the_same_result_for_any_batch_size()
    {
        var test = (await MnistTestData.TestSetAsync()).Take(50);
        using var one = new DirectOnnxScorer(FixtureModels.BatchNorm, batchSize: 1);
        using var many = new DirectOnnxScorer(FixtureModels.BatchNorm, batchSize: 17);
        var a = one.Score(test.Pixels);
        var b = many.Score(test.Pixels);
        for (var i = 0; i < a.Probabilities.Length; i++)
            Assert.True(Math.Abs(a.Probabilities[i] - b.Probabilities[i]) <= 1e-6);
    }
}
