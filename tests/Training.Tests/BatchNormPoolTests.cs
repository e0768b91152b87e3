// Pins the fast kernels' fused BN → ReLU → pool op (KernelChoice.Plan, BatchNormPoolFunction) to its
// unfused definition, relu(maxpool2x2(bn(x))) with BatchNorm's Algorithm 1: the same outputs, the same gradients for the input, γ and β, and the same
// running statistics — on LeNet's map sizes (26 → 13, 11 → 5 with a dropped row and column), with a
// negative γ (pooling must compare normalised values, not inputs) and with tied windows.
using MnistBn.Network.Description;
using MnistBn.Training.DataParallel;
using MnistBn.Training.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Tests;

public sealed class BatchNormPoolTests
{
    [Theory]
    [InlineData(6, 26)]
    [InlineData(16, 11)]
    public void Fused_block_equals_bn_then_pool_then_relu(int channels, int size)
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        var values = randn(8, channels, size, size) * 3 + 1;
        values[.., .., ..4, ..4] = zeros(8, channels, 4, 4); // tied windows, as on MNIST's background
        var (fused, reference) = (Layer(channels, fast: true), Layer(channels, fast: false));
        var (x, xReference) = (values.clone().requires_grad_(true), values.clone().requires_grad_(true));

        var output = FusedOp(fused, size).Run(x, BatchStatisticsReducer.WholeBatch);
        var expected = F.relu(F.max_pool2d(reference.call(xReference), 2));
        var upstream = randn_like(expected);
        (output * upstream).sum().backward();
        (expected * upstream).sum().backward();

        Assert.Equal(expected.shape, output.shape);
        AssertClose(expected, output, 1e-6, "output");
        AssertClose(xReference.grad!, x.grad!, 1e-5, "input gradient");
        AssertClose(reference.Weight.grad!, fused.Weight.grad!, 1e-4, "γ gradient");
        AssertClose(reference.Bias.grad!, fused.Bias.grad!, 1e-4, "β gradient");
        AssertClose(reference.RunningMean, fused.RunningMean, 1e-6, "running mean");
        AssertClose(reference.RunningVar, fused.RunningVar, 1e-6, "running variance");
        Assert.Equal(1, fused.NumBatchesTracked.item<long>());
    }

    [Fact]
    public void Eval_mode_uses_the_running_statistics()
    {
        using var scope = NewDisposeScope();
        var layer = Layer(6, fast: true);
        layer.eval();
        var input = randn(4, 6, 26, 26);
        AssertClose(F.relu(F.max_pool2d(layer.call(input), 2)), FusedOp(layer, 26).Run(input, BatchStatisticsReducer.WholeBatch), 0, "eval output");
        Assert.Equal(0, layer.NumBatchesTracked.item<long>());
    }

    /// <summary>The one op the fast kernels' plan makes of <paramref name="norm"/> → ReLU → 2×2 max-pool.</summary>
    private static LayerOp FusedOp(BatchNorm2d norm, int size)
    {
        Layer[] layers = [new BatchNormLayer("bn", (int)norm.Features, norm.Momentum, norm.Epsilon),
            new ActivationLayer("relu", ActivationFunction.Relu), new MaxPoolLayer("pool", 2, 2), new FlattenLayer("flatten")];
        var plan = KernelChoice.Fast.Plan(new NetworkDescription("block", [(int)norm.Features, size, size], layers), [norm, null, null, null]);
        Assert.Equal(["bn+relu+pool", "flatten"], plan.Select(op => op.Name));
        return plan[0];
    }

    /// <summary>A layer with fixed γ and β; <paramref name="fast"/> hands it the fast kernels' node, as the network would.</summary>
    private static BatchNorm2d Layer(int channels, bool fast)
    {
        var layer = new BatchNorm2d(channels, 0.1, 1e-3) { TrainingNode = fast ? KernelChoice.Fast.BatchNormTraining() : null };
        using (no_grad())
        {
            // Non-trivial γ (one negative) and β, identical in both layers.
            layer.Weight.copy_(linspace(-0.5, 1.5, channels));
            layer.Bias.copy_(linspace(0.2, -0.3, channels));
        }
        return layer;
    }

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        var difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference <= tolerance, $"{what}: differs by {difference}");
    }
}
