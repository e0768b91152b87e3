// Each kind of bad model file is refused when the classifier is created, with the file's name (the
// evaluator's case is in Training.Tests' OnnxEvaluation/BadModelTests).
using Google.Protobuf;
using MnistBn.Shared;

namespace MnistBn.Inference.Tests;

public sealed class BadModelTests
{
    [Fact]
    public void Missing_model_file_throws_file_not_found_naming_it()
    {
        var path = Path.Combine(FixtureModels.TempFolder(), "missing.onnx");
        var error = Assert.Throws<FileNotFoundException>(() => DigitClassifier.Create(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Directory_given_as_the_model_is_reported_as_a_directory()
    {
        var folder = FixtureModels.TempFolder();
        var error = Assert.Throws<FileNotFoundException>(() => DigitClassifier.Create(folder));
        Assert.Equal($"{folder}: is a directory, not an ONNX model file", error.Message);
    }

    [Fact]
    public void Empty_model_file_is_refused()
    {
        var path = FixtureModels.WriteTempFile("empty.onnx", []);
        var error = Assert.Throws<InvalidDataException>(() => DigitClassifier.Create(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Text_file_as_model_is_refused_as_not_onnx()
    {
        var path = FixtureModels.WriteTempFile("readme.onnx", "definitely not protobuf"u8.ToArray());
        var error = Assert.Throws<InvalidDataException>(() => DigitClassifier.Create(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("not a valid ONNX model", error.Message);
    }

    [Fact]
    public void Truncated_model_file_is_refused_as_not_onnx()
    {
        var bytes = File.ReadAllBytes(FixtureModels.BatchNorm);
        var path = FixtureModels.WriteTempFile("half.onnx", bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<InvalidDataException>(() => DigitClassifier.Create(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Model_with_a_wrong_input_name_is_refused_naming_the_contract_tensor()
    {
        var path = FixtureModels.WriteTempFile("wrong-input.onnx", EditedModels.RenamedTensor(ModelContract.InputName, "pixels"));
        var error = Assert.Throws<InvalidDataException>(() => DigitClassifier.Create(path));
        Assert.Contains(path, error.Message);
        Assert.Contains($"no input tensor named '{ModelContract.InputName}'", error.Message);
    }

    [Fact]
    public void Model_with_a_wrong_input_shape_is_refused_with_both_shapes()
    {
        var model = EditedModels.LeNet();
        var dims = model.Graph.Input.Single(v => v.Name == ModelContract.InputName).Type.TensorType.Shape.Dim;
        // Free height and width: ONNX Runtime loads it (a fixed 32×32 would already fail its shape
        // inference), so it is the contract check that must refuse it.
        dims[2].DimParam = "height";
        dims[3].DimParam = "width";
        var path = FixtureModels.WriteTempFile("wrong-shape.onnx", model.ToByteArray());
        var error = Assert.Throws<InvalidDataException>(() => DigitClassifier.Create(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("does not match the model contract", error.Message);
        Assert.Contains("shape [batch, 1, height, width], expected [N, 1, 28, 28]", error.Message);
    }
}
