// What the contract promises about a model's outputs is checked when the model loads: finite values,
// and probabilities that are the softmax of the logits. A broken model is refused naming its file,
// instead of predicting "digit 0 at NaN" or reporting "probabilities" of 10.9.
namespace MnistBn.Inference.Tests;

public sealed class ModelOutputContractTests
{
    [Fact]
    public void Model_with_a_NaN_weight_is_refused_at_load_naming_the_file()
    {
        var path = FixtureModels.WriteTempFile("nan-weight.onnx", EditedModels.WithNaNWeight());

        var error = Assert.Throws<InvalidDataException>(() => DigitClassifier.Create(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not a finite number", error.Message);
    }

    [Fact]
    public void Model_with_swapped_outputs_is_refused_at_load()
    {
        var path = FixtureModels.WriteTempFile("swapped.onnx", EditedModels.SwappedOutputs());

        var error = Assert.Throws<InvalidDataException>(() => DigitClassifier.Create(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("is not the softmax of 'logits'", error.Message);
    }

    [Fact]
    public void Model_whose_softmax_is_an_identity_is_refused_at_load()
    {
        var path = FixtureModels.WriteTempFile("identity-softmax.onnx", EditedModels.SoftmaxAsIdentity());

        var error = Assert.Throws<InvalidDataException>(() => new Microsoft.ML.MLContext().Transforms.ScoreDigits(path));

        Assert.Contains("swapped outputs or a missing Softmax?", error.Message);
    }

    [Fact]
    public void Options_with_a_null_device_are_refused_clearly()
    {
        var error = Assert.Throws<ArgumentException>(() => DigitClassifier.Create(FixtureModels.BatchNorm, new DigitClassifierOptions { Device = null! }));
        Assert.Contains("Device is null", error.Message);
    }

    [Fact]
    public void Huge_image_size_is_reported_without_overflow()
    {
        var error = Assert.Throws<ArgumentException>(() => new GrayImage(65536, 65536, new byte[16]));
        Assert.Contains("needs 4,294,967,296 pixels", error.Message);
    }
}
