// Pins Conv3x3Function (LibTorch forward, C# backward) to LibTorch's own conv2d and its gradients,
// on LeNet's conv2 shape and on shapes that exercise the kernel's remainders (input channels not a
// multiple of 3, output channels not a multiple of 4, planes of other widths, the smallest plane).
using MnistBn.Training.Model.Autograd;
using MnistBn.Training.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Tests;

public sealed class Conv3x3FunctionTests
{
    [Theory]
    [InlineData(64, 6, 16, 13, 13, false)]
    [InlineData(64, 6, 16, 13, 13, true)]
    [InlineData(3, 4, 5, 9, 12, true)]
    [InlineData(2, 1, 1, 3, 3, false)]
    [InlineData(4, 7, 9, 20, 6, true)]
    public void Output_and_gradients_equal_conv2d(int batch, int inChannels, int outChannels, int height, int width, bool withBias)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(11);
        var conv = nn.Conv2d(inChannels, outChannels, 3, bias: withBias);
        var input = randn([batch, inChannels, height, width], generator: generator).requires_grad_(true);
        // The gradients' reference runs in float64, on ATen's own convolution: LibTorch's float32 conv2d
        // backward (oneDNN) returned wrong input gradients for the first calls on a Zen 5 VM (a zero in
        // place of w·dy), which made this test fail for the reference's sake.
        var referenceInput = input.detach().to(float64).requires_grad_(true);
        var referenceWeight = conv.weight!.detach().to(float64).requires_grad_(true);
        var referenceBias = conv.bias?.detach().to(float64).requires_grad_(true);

        var output = Conv3x3Function.Call(conv, input);
        var expected = F.conv2d(input.detach(), conv.weight!.detach(), conv.bias?.detach());
        var upstream = randn(expected.shape, generator: generator);
        (output * upstream).sum().backward();
        (F.conv2d(referenceInput, referenceWeight, referenceBias) * upstream.to(float64)).sum().backward();

        Assert.Equal(expected.shape, output.shape);
        Assert.True(output.eq(expected).all().item<bool>(), "the forward pass is LibTorch's conv2d itself");
        AssertClose(referenceInput.grad!, input.grad!, "input gradient");
        AssertClose(referenceWeight.grad!, conv.weight!.grad!, "weight gradient");
        if (withBias)
            AssertClose(referenceBias!.grad!, conv.bias!.grad!, "bias gradient");
    }

    [Fact]
    public void Wrong_shapes_are_refused_with_the_shape_in_the_message()
    {
        using var scope = NewDisposeScope();
        var conv = nn.Conv2d(6, 16, 3);
        var error = Assert.Throws<ArgumentException>(() => Conv3x3Function.Call(conv, randn(2, 5, 13, 13)));
        Assert.Contains("[2, 5, 13, 13]", error.Message);
        Assert.Throws<ArgumentException>(() => Conv3x3Function.Call(nn.Conv2d(6, 16, 5), randn(2, 6, 13, 13)));
        var strided = Assert.Throws<ArgumentException>(() => Conv3x3Function.Call(nn.Conv2d(6, 16, 3, stride: 2), randn(2, 6, 13, 13)));
        Assert.Contains("stride [2, 2]", strided.Message);
        Assert.Throws<ArgumentException>(() => Conv3x3Function.Call(nn.Conv2d(6, 16, 3, padding: 1), randn(2, 6, 13, 13)));
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        expected = expected.to(float32);
        var scale = Math.Max(1f, expected.abs().max().item<float>());
        var difference = (actual - expected).abs().max().item<float>();
        Assert.True(difference < 1e-5f * scale, $"{what}: differs by {difference} (largest magnitude {scale})");
    }
}
