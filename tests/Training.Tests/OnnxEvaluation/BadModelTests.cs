// A bad model file is refused when the evaluator is created, as when the classifier is (the
// classifier's cases are in Inference.Tests' BadModelTests).
using MnistBn.Shared;
using MnistBn.Training.OnnxEvaluation;

namespace MnistBn.Training.Tests.OnnxEvaluation;

public sealed class BadModelTests
{
    [Fact]
    public void Model_without_the_probabilities_output_is_refused()
    {
        var path = FixtureModels.WriteTempFile("wrong-output.onnx", EditedModels.RenamedTensor(ModelContract.ProbabilitiesName, "softmax_out"));
        var error = Assert.Throws<InvalidDataException>(() => ModelEvaluator.Create(path));
        Assert.Contains($"no output tensor named '{ModelContract.ProbabilitiesName}'", error.Message);
    }

    [Fact]
    public void Evaluate_with_a_NaN_model_is_one_error_naming_it_and_writes_no_report()
    {
        var path = FixtureModels.WriteTempFile("nan.onnx", EditedModels.WithNaNWeight());
        var reports = Path.Combine(Path.GetDirectoryName(path)!, "reports");

        var (exitCode, error) = CliHarness.Run("evaluate", "--model", path, "--set", "training.test_subset=64", "--set", $"report.directory={reports}");

        Assert.Equal(1, exitCode);
        Assert.Contains($"error: model file {path}: output", error);
        Assert.Contains("not a finite number", error);
        Assert.DoesNotContain("   at ", error);
        Assert.False(Directory.Exists(reports) && Directory.EnumerateFiles(reports, "*", SearchOption.AllDirectories).Any(), "a report was left behind");
    }

    [Fact]
    public void Model_whose_outputs_are_swapped_is_refused()
    {
        var path = FixtureModels.WriteTempFile("swapped.onnx", EditedModels.SwappedOutputs());
        var error = Assert.Throws<InvalidDataException>(() => ModelEvaluator.Create(path));
        Assert.Contains("is not the softmax of 'logits'", error.Message);
    }
}
