// Pins how MNIST becomes tensors: the model contract's scaling, shapes, label type and subsets.
using MnistBn.Shared.Data;
using MnistBn.Training.Data;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests;

public sealed class MnistTensorsTests
{
    [Fact]
    public void Pixels_are_scaled_by_the_model_contract_and_labels_are_int64()
    {
        var pixels = new byte[3 * 28 * 28];
        pixels[0] = 255;
        pixels[28 * 28 + 5] = 51;
        var split = new LabeledImages(pixels, [7, 1, 9], 3, 28, 28);
        using var tensors = MnistTensors.From(split, subset: 0);
        Assert.Equal(new long[] { 3, 1, 28, 28 }, tensors.Images.shape);
        Assert.Equal(1f, tensors.Images[0, 0, 0, 0].item<float>());
        Assert.Equal(0.2f, tensors.Images[1, 0, 0, 5].item<float>(), 6);
        Assert.Equal(ScalarType.Int64, tensors.Labels.dtype);
        Assert.Equal(new long[] { 7, 1, 9 }, tensors.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Subset_takes_the_first_images()
    {
        var split = new LabeledImages(new byte[3 * 28 * 28], [7, 1, 9], 3, 28, 28);
        using var tensors = MnistTensors.From(split, subset: 2);
        Assert.Equal(2, tensors.Count);
        Assert.Equal(new long[] { 7, 1 }, tensors.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Images_of_the_wrong_size_are_rejected()
    {
        var split = new LabeledImages(new byte[2 * 32 * 32], [1, 2], 2, 32, 32);
        var error = Assert.Throws<InvalidDataException>(() => MnistTensors.From(split, subset: 0));
        Assert.Contains("32×32", error.Message);
    }
}
