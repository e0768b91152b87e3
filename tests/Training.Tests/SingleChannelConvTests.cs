// Pins the C# first-layer convolution to LibTorch's conv2d: outputs and the weight and bias gradients,
// for map widths that use whole vectors only (10 → 8 outputs), whole vectors plus an overlapping last
// one (28 → 26, LeNet's), and the scalar path (6 → 4).
using MnistBn.Training.Model.Autograd;
using MnistBn.Training.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Tests;

public sealed class SingleChannelConvTests
{
    [Theory]
    [InlineData(28, 28, true)]
    [InlineData(28, 28, false)]
    [InlineData(9, 10, true)]
    [InlineData(5, 6, true)]
    [InlineData(7, 35, false)]
    public void Output_and_gradients_equal_conv2d(int height, int width, bool withBias)
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        var input = rand(5, 1, height, width);
        var weight = randn(6, 1, 3, 3).requires_grad_(true);
        var bias = withBias ? randn(6).requires_grad_(true) : null;
        var referenceWeight = weight.detach().clone().requires_grad_(true);
        var referenceBias = bias?.detach().clone().requires_grad_(true);

        var output = SingleChannelConvFunction.Convolve(input, weight, bias);
        var expected = F.conv2d(input, referenceWeight, referenceBias);
        var upstream = randn_like(expected);
        (output * upstream).sum().backward();
        (expected * upstream).sum().backward();

        Assert.Equal(expected.shape, output.shape);
        Assert.True((output - expected).abs().max().item<float>() < 1e-5);
        // Gradients sum up to thousands of products; LibTorch's own sum order depends on its thread count
        // (28×28 with one thread: 1.8e-4 apart on gradients of ~100), so the bound is relative.
        AssertClose(referenceWeight.grad!, weight.grad!);
        if (withBias)
            AssertClose(referenceBias!.grad!, bias!.grad!);
    }

    [Fact]
    public void Input_that_requires_a_gradient_is_refused()
    {
        using var scope = NewDisposeScope();
        var input = rand(2, 1, 8, 8).requires_grad_(true);
        Assert.Throws<ArgumentException>(() => SingleChannelConvFunction.Convolve(input, randn(6, 1, 3, 3), null));
    }

    [Fact]
    public void Multi_channel_input_is_refused_with_its_shape()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => SingleChannelConvFunction.Convolve(rand(2, 3, 8, 8), randn(6, 1, 3, 3), null));
        Assert.Contains("[2, 3, 8, 8]", error.Message);
    }

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        var scale = Math.Max(1f, expected.abs().max().item<float>());
        var difference = (actual - expected).abs().max().item<float>();
        Assert.True(difference < 1e-5f * scale, $"gradients differ by {difference} (largest magnitude {scale})");
    }
}
