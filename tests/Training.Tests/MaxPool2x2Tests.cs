// Pins the C# 2×2 max pooling (and its fused ReLU) against LibTorch's max_pool2d (and relu): the same
// values and the same gradients, including windows of equal values (ties go to the first corner in
// scan order), odd map sizes (the last row and column are dropped) and rows wide enough for the
// eight-window vector path plus a scalar tail (26, 35) or too narrow for it (11).
using MnistBn.Training.Model.Autograd;
using MnistBn.Training.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Tests;

public sealed class MaxPool2x2Tests
{
    [Theory]
    [InlineData(26, false)]
    [InlineData(11, false)]
    [InlineData(35, false)]
    [InlineData(26, true)]
    [InlineData(11, true)]
    [InlineData(35, true)]
    public void Values_and_gradients_equal_max_pool2d(int size, bool relu)
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        // Rounded values make ties frequent; a zero block is one big tie, as on MNIST's background.
        var values = (randn(3, 4, size, size) * 2).round();
        values[.., .., ..4, ..4] = zeros(3, 4, 4, 4);
        AssertSame(values, relu);
    }

    [Fact]
    public void Wide_rectangular_maps_pool_like_max_pool2d()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        AssertSame(randn(2, 3, 7, 40), relu: true);
    }

    [Fact]
    public void All_equal_window_sends_the_gradient_to_the_top_left_only()
    {
        using var scope = NewDisposeScope();
        var x = ones(1, 1, 2, 2).requires_grad_(true);
        MaxPool2x2Function.Pool(x).sum().backward();
        Assert.Equal(new[] { 1f, 0f, 0f, 0f }, x.grad!.flatten().data<float>().ToArray());
    }

    private static void AssertSame(Tensor values, bool relu)
    {
        var ours = values.clone().requires_grad_(true);
        var reference = values.clone().requires_grad_(true);
        var upstream = randn(values.shape[0], values.shape[1], values.shape[2] / 2, values.shape[3] / 2);

        var pooled = relu ? MaxPool2x2Function.PoolRelu(ours) : MaxPool2x2Function.Pool(ours);
        var expected = relu ? F.relu(F.max_pool2d(reference, 2)) : F.max_pool2d(reference, 2);
        (pooled * upstream).sum().backward();
        (expected * upstream).sum().backward();

        Assert.Equal(expected.shape, pooled.shape);
        Assert.Equal(0f, (expected - pooled).abs().max().item<float>());
        Assert.Equal(0f, (reference.grad! - ours.grad!).abs().max().item<float>());
    }
}
