// Pins the hand-written BatchNorm (fast kernels and the reference Algorithm 1) against TorchSharp's
// built-in layers (same momentum and ε):
// training-mode output, running-statistics updates and eval-mode output, within 1e-6 (relative to
// the values' magnitude where that exceeds 1).
using MnistBn.Training.Model;
using MnistBn.Training.Model.Autograd;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests;

public sealed class BatchNormTests
{
    private const double Momentum = 0.01;
    private const double Epsilon = 1e-3;
    private const double Tolerance = 1e-6;

    // The fast kernels' node, which the network hands its BatchNorm layers; without it a layer runs Algorithm 1.
    private static readonly BatchNormTrainingNode FastNode = KernelChoice.Fast.BatchNormTraining()!;

    [Fact]
    public void BatchNorm2d_matches_builtin_in_training_running_stats_and_eval()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var ours = new BatchNorm2d(6, Momentum, Epsilon) { TrainingNode = FastNode };
        using var reference = nn.BatchNorm2d(6, eps: Epsilon, momentum: Momentum);
        CompareAgainst(ours, reference, () => randn(8, 6, 5, 5) * 2 + 0.5);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(10)] // not a multiple of the kernel's four-channel column blocks: the scalar tail
    [InlineData(1500)]
    public void BatchNorm1d_matches_builtin_in_training_running_stats_and_eval(int features)
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var ours = new BatchNorm1d(features, Momentum, Epsilon) { TrainingNode = FastNode };
        using var reference = nn.BatchNorm1d(features, eps: Epsilon, momentum: Momentum);
        CompareAgainst(ours, reference, () => randn(16, features) * 3 - 1);
    }

    [Fact]
    public void Reference_algorithm_1_matches_builtin_on_conv_maps_and_features()
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        using var maps = new BatchNorm2d(6, Momentum, Epsilon);
        using var builtinMaps = nn.BatchNorm2d(6, eps: Epsilon, momentum: Momentum);
        CompareAgainst(maps, builtinMaps, () => randn(8, 6, 5, 5) * 2 + 0.5);
        using var features = new BatchNorm1d(10, Momentum, Epsilon);
        using var builtinFeatures = nn.BatchNorm1d(10, eps: Epsilon, momentum: Momentum);
        CompareAgainst(features, builtinFeatures, () => randn(16, 10) * 3 - 1);
    }

    [Fact]
    public void Large_momentum_moves_running_stats_like_builtin()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var ours = new BatchNorm2d(4, 0.5, 1e-5) { TrainingNode = FastNode };
        using var reference = nn.BatchNorm2d(4, eps: 1e-5, momentum: 0.5);
        CompareAgainst(ours, reference, () => randn(4, 4, 3, 3) * 5 + 2);
    }

    [Fact]
    public void Gradients_reach_gamma_and_beta()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var norm = new BatchNorm2d(3, Momentum, Epsilon) { TrainingNode = FastNode };
        var output = norm.call(randn(5, 3, 4, 4));
        (output * randn(5, 3, 4, 4)).sum().backward();
        Assert.NotNull(norm.Weight.grad);
        Assert.NotNull(norm.Bias.grad);
        Assert.True(norm.Weight.grad!.abs().sum().item<float>() > 0);
        Assert.True(norm.Bias.grad!.abs().sum().item<float>() > 0);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(2)]
    public void Hand_written_backward_matches_builtin_gradients(int rank)
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var shape = rank == 4 ? new long[] { 6, 3, 5, 5 } : new long[] { 10, 7 };
        using BatchNorm ours = rank == 4 ? new BatchNorm2d(3, Momentum, Epsilon) { TrainingNode = FastNode } : new BatchNorm1d(7, Momentum, Epsilon) { TrainingNode = FastNode };
        using nn.Module<Tensor, Tensor> reference = rank == 4 ? nn.BatchNorm2d(3, eps: Epsilon, momentum: Momentum) : nn.BatchNorm1d(7, eps: Epsilon, momentum: Momentum);
        using (no_grad())
        {
            ours.Weight.copy_(rand(ours.Features) + 0.5);
            reference.state_dict()["weight"].copy_(ours.Weight);
        }
        var x = (randn(shape) * 2 + 1).requires_grad_(true);
        var xReference = x.detach().clone().requires_grad_(true);
        var upstream = randn(shape);

        (ours.call(x) * upstream).sum().backward();
        (reference.call(xReference) * upstream).sum().backward();

        var referenceParameters = reference.parameters().ToArray();
        AssertClose(xReference.grad!, x.grad!, "input gradient");
        AssertClose(referenceParameters[0].grad!, ours.Weight.grad!, "γ gradient");
        AssertClose(referenceParameters[1].grad!, ours.Bias.grad!, "β gradient");
    }

    [Fact]
    public void Parameters_and_buffers_are_module_state_with_pytorch_names()
    {
        using var norm = new BatchNorm1d(7, Momentum, Epsilon);
        var keys = norm.state_dict().Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "bias", "num_batches_tracked", "running_mean", "running_var", "weight" }, keys);
        Assert.Equal(new[] { "weight", "bias" }, norm.named_parameters().Select(p => p.name).Order().Reverse().ToArray());
        Assert.Equal(3, norm.named_buffers().Count());
    }

    [Fact]
    public void Eval_mode_does_not_update_running_stats()
    {
        using var scope = NewDisposeScope();
        using var norm = new BatchNorm1d(4, 0.5, Epsilon);
        norm.eval();
        norm.call(randn(8, 4) + 10);
        Assert.Equal(0f, norm.RunningMean.abs().max().item<float>());
        Assert.Equal(0L, norm.NumBatchesTracked.item<long>());
    }

    [Fact]
    public void Wrong_rank_is_rejected_with_the_shape()
    {
        using var norm = new BatchNorm2d(3, Momentum, Epsilon);
        var error = Assert.Throws<ArgumentException>(() => norm.call(zeros(2, 3)));
        Assert.Contains("[2, 3]", error.Message);
    }

    private static void CompareAgainst(BatchNorm ours, nn.Module<Tensor, Tensor> reference, Func<Tensor> batch)
    {
        // Non-trivial γ and β, identical in both.
        using (no_grad())
        {
            ours.Weight.copy_(rand(ours.Features) + 0.5);
            ours.Bias.copy_(randn(ours.Features));
            var state = reference.state_dict();
            state["weight"].copy_(ours.Weight);
            state["bias"].copy_(ours.Bias);
        }
        ours.train();
        reference.train();
        for (var step = 0; step < 3; step++)
        {
            var x = batch();
            AssertClose(reference.call(x), ours.call(x), $"training output, step {step}");
        }
        var expected = reference.state_dict();
        AssertClose(expected["running_mean"], ours.RunningMean, "running_mean");
        AssertClose(expected["running_var"], ours.RunningVar, "running_var");
        Assert.Equal(expected["num_batches_tracked"].item<long>(), ours.NumBatchesTracked.item<long>());

        ours.eval();
        reference.eval();
        var test = batch();
        AssertClose(reference.call(test), ours.call(test), "eval output");
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        // 1e-6 absolute for values of order 1; scaled up for larger values (float32 carries ~7 digits).
        var limit = Tolerance * Math.Max(1f, expected.abs().max().item<float>());
        var difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference <= limit, $"{what}: max |difference| {difference:E3} > {limit:E3}");
    }
}
