// Pins the fast kernels to the reference path for whole networks: two modules built from one
// description with the same seed (so the same initial weights) on the same batch give the same loss,
// parameter gradients, running statistics and eval outputs within float tolerance, and stay together
// over a few Adam steps (SinglePassAdam on fast, optim.Adam on reference). Per-layer pins live in the
// layer tests (BatchNormTests, BatchNormPoolTests, Conv3x3FunctionTests, …).
using MnistBn.Training.Model.Autograd;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Loop;
using MnistBn.Training.Model;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Tests;

public sealed class KernelPinningTests(TrainingFixture data, ITestOutputHelper output) : IClassFixture<TrainingFixture>
{
    private static readonly BatchNormConfig Bn = new(0.1, 1e-3);

    // A gradient that flows back through a BatchNorm is a sum of terms that cancel (Σ dx = 0 per channel),
    // so float rounding in a different summation order shows at ~1e-4 of the terms' size (bn-after's conv1
    // bias: 1.4e-4); the other gradients agree to ~1e-6.
    private const double GradientTolerance = 3e-4;

    // Adam's step is ~lr·sign(g) where g ≈ 0, so rounding-level gradient differences can move a weight by up to
    // lr = 1e-3 per step; a wrong kernel moves weights by several steps' worth (8 steps: up to 8e-3).
    private const double WeightTolerance = 1e-3;

    public static TheoryData<string, string> Networks => new()
    {
        { "lenet", "nobn" }, { "lenet", "bn" }, { "lenet", "bn-after" }, { "mlp", "bn" },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void One_training_step_gives_the_same_loss_gradients_and_running_statistics(string network, string variant)
    {
        using var scope = NewDisposeScope();
        var (fast, reference) = (Create(network, variant, KernelChoice.Fast), Create(network, variant, KernelChoice.Reference));
        var (images, labels) = Batch(0, 64);

        var fastLoss = Loss(fast, images, labels);
        var referenceLoss = Loss(reference, images, labels);
        fastLoss.backward();
        referenceLoss.backward();

        AssertClose(referenceLoss, fastLoss, 1e-6, "loss");
        foreach (var ((name, expected), (_, actual)) in reference.named_parameters().Zip(fast.named_parameters()))
            AssertClose(expected.grad!, actual.grad!, GradientTolerance, $"gradient of {name}");
        foreach (var (expected, actual) in reference.BatchNorms.Zip(fast.BatchNorms))
        {
            AssertClose(expected.RunningMean, actual.RunningMean, 1e-6, $"{expected.GetName()} running mean");
            AssertClose(expected.RunningVar, actual.RunningVar, 1e-6, $"{expected.GetName()} running variance");
        }
        fast.eval();
        reference.eval();
        using var noGrad = no_grad();
        AssertClose(reference.call(images), fast.call(images), 1e-5, "eval logits");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void A_few_adam_steps_stay_within_tolerance(string network, string variant)
    {
        using var scope = NewDisposeScope();
        var (fast, reference) = (Create(network, variant, KernelChoice.Fast), Create(network, variant, KernelChoice.Reference));
        var fastOptimizer = new SinglePassAdam(fast.parameters(), 1e-3);
        var referenceOptimizer = optim.Adam(reference.parameters(), 1e-3);
        for (var step = 0; step < 8; step++)
        {
            var (images, labels) = Batch(step * 64, 64);
            foreach (var (model, optimizer) in new (NetworkModule, TorchSharp.Modules.OptimizerHelper)[] { (fast, fastOptimizer), (reference, referenceOptimizer) })
            {
                optimizer.zero_grad();
                Loss(model, images, labels).backward();
                optimizer.step();
            }
        }
        foreach (var ((name, expected), (_, actual)) in reference.named_parameters().Zip(fast.named_parameters()))
            AssertClose(expected, actual, WeightTolerance, $"{name} after 8 steps");
        foreach (var (expected, actual) in reference.BatchNorms.Zip(fast.BatchNorms))
            AssertClose(expected.RunningVar, actual.RunningVar, 1e-4, $"{expected.GetName()} running variance after 8 steps");
    }

    private static NetworkModule Create(string network, string variant, KernelChoice kernels)
    {
        manual_seed(23);
        var model = network == "mlp" ? TestNetworks.Mlp(variant, Bn, kernels) : TestNetworks.LeNet(variant, Bn, kernels);
        model.train();
        return model;
    }

    private (Tensor Images, Tensor Labels) Batch(long start, long size) =>
        (data.Train.Images.narrow(0, start, size), data.Train.Labels.narrow(0, start, size));

    private static Tensor Loss(NetworkModule model, Tensor images, Tensor labels) => F.cross_entropy(model.call(images), labels);

    /// <summary>max |expected − actual| ≤ tolerance·max(1, max |expected|).</summary>
    private void AssertClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        using var noGrad = no_grad();
        var difference = (expected - actual).abs().max().item<float>();
        var scale = Math.Max(1, expected.abs().max().item<float>());
        output.WriteLine($"{what}: max |Δ| = {difference:E2} (scale {scale:G3})");
        Assert.True(difference <= tolerance * scale, $"{what}: max |Δ| = {difference} > {tolerance} × {scale}");
    }
}
