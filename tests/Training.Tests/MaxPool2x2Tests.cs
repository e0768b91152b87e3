// Pins the strided-view 2×2 max pooling against LibTorch's max_pool2d: the same values, and the same
// gradients, including windows of equal values (ties go to the first corner in scan order) and odd
// map sizes (the last row and column are dropped).
using MnistBn.Training.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Tests;

public sealed class MaxPool2x2Tests
{
    [Theory]
    [InlineData(26)]
    [InlineData(11)]
    public void Values_and_gradients_equal_max_pool2d(int size)
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        // Rounded values make ties frequent; a zero block is one big tie, as on MNIST's background.
        var values = (randn(3, 4, size, size) * 2).round();
        values[.., .., ..4, ..4] = zeros(3, 4, 4, 4);
        AssertSame(values);
    }

    [Fact]
    public void All_equal_window_sends_the_gradient_to_the_top_left_only()
    {
        using var scope = NewDisposeScope();
        var x = ones(1, 1, 2, 2).requires_grad_(true);
        MaxPool2x2Function.Pool(x).sum().backward();
        Assert.Equal(new[] { 1f, 0f, 0f, 0f }, x.grad!.flatten().data<float>().ToArray());
    }

    private static void AssertSame(Tensor values)
    {
        var ours = values.clone().requires_grad_(true);
        var reference = values.clone().requires_grad_(true);
        var upstreamShape = new[] { values.shape[0], values.shape[1], values.shape[2] / 2, values.shape[3] / 2 };
        var upstream = randn(upstreamShape);

        var pooled = MaxPool2x2Function.Pool(ours);
        var expected = F.max_pool2d(reference, 2);
        (pooled * upstream).sum().backward();
        (expected * upstream).sum().backward();

        Assert.Equal(expected.shape, pooled.shape);
        Assert.Equal(0f, (expected - pooled).abs().max().item<float>());
        Assert.Equal(0f, (reference.grad! - ours.grad!).abs().max().item<float>());
    }
}
