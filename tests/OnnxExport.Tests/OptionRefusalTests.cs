// Options that cannot describe the traced model are refused before anything is built: class labels
// that do not match the output, an opset outside 13–21, a metadata key the exporter writes itself.
using MnistBn.OnnxExport.Tests.Support;
using MnistBn.OnnxExport.TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.OnnxExport.Tests;

public sealed class OptionRefusalTests
{
    private static nn.Module<Tensor, Tensor> Classifier() => Seeded.Eval(() => nn.Sequential(nn.Flatten(), nn.Linear(12, 3)));

    [Fact]
    public void Class_labels_that_do_not_match_the_output_size_are_refused()
    {
        var options = new OnnxExportOptions { ClassLabels = ["a", "b"] };
        Assert.Throws<ArgumentException>(() => Classifier().ToOnnxModel([3, 2, 2], options));
    }

    [Fact]
    public void Class_labels_for_a_conv_map_output_are_refused()
    {
        var options = new OnnxExportOptions { ClassLabels = ["a", "b"] };
        Assert.Throws<ArgumentException>(() => Seeded.Eval(() => nn.Conv2d(1, 2, 1)).ToOnnxModel([1, 1, 1], options));
    }

    [Theory]
    [InlineData(12)]
    [InlineData(22)]
    public void Opset_outside_13_to_21_is_refused(int opset) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Classifier().ToOnnxModel([3, 2, 2], new OnnxExportOptions { Opset = opset }));

    [Fact]
    public void Metadata_key_the_exporter_writes_itself_is_refused()
    {
        var options = new OnnxExportOptions { Metadata = new Dictionary<string, string> { ["bn_folded"] = "maybe" } };
        Assert.Throws<ArgumentException>(() => Classifier().ToOnnxModel([3, 2, 2], options));
    }

    [Theory]
    [InlineData(new long[0])]
    [InlineData(new long[] { 3, 0, 2 })]
    public void Input_shape_that_is_empty_or_not_positive_is_refused(long[] shape) =>
        Assert.Throws<ArgumentException>(() => Classifier().ToOnnxModel(shape));
}
