// A bad model file is refused when the evaluator is created, as when the classifier is (the
// classifier's cases are in Inference.Tests' BadModelTests).
using MnistBn.Shared;
using MnistBn.Training.Evaluation;

namespace MnistBn.Training.Tests.Evaluation;

public sealed class BadModelTests
{
    [Fact]
    public void Model_without_the_probabilities_output_is_refused()
    {
        var path = FixtureModels.WriteTempFile("wrong-output.onnx", EditedModels.RenamedTensor(ModelContract.ProbabilitiesName, "softmax_out"));
        var error = Assert.Throws<InvalidDataException>(() => ModelEvaluator.Create(path));
        Assert.Contains($"no output tensor named '{ModelContract.ProbabilitiesName}'", error.Message);
    }
}
