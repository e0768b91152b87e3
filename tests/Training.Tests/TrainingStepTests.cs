// Pins the plain single-thread step (Loop/TrainingStep.cs) and what is built around it: the split batch
// with one part computes the same step, --profile's timing wrapper changes nothing but the clock, the
// optimizer factory picks the optimizer each path promises, and the reference kernels train on one
// unsplit thread, deterministically.
using MnistBn.Shared.Configuration;
using MnistBn.TestSupport;
using MnistBn.Training.Benchmarks;
using MnistBn.Training.Data;
using MnistBn.Training.DataParallel;
using MnistBn.Training.Loop;
using MnistBn.Training.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests;

public sealed class TrainingStepTests(TrainingFixture data) : IClassFixture<TrainingFixture>
{
    private static readonly BatchNormConfig BatchNorm = new(0.1, 1e-3);
    private static readonly Augmenter Augmentation = new(MnistTestData.Config.Training.Augmentation);

    [Theory]
    [InlineData("bn")]
    [InlineData("nobn")]
    public void Split_batch_with_one_part_is_the_single_thread_step(string variant)
    {
        using var scope = NewDisposeScope();
        var (indices, draws) = Batch(64);
        using var plain = Model(variant);
        using var split = Model(variant);

        var expected = TwoSteps(plain, new TrainingStep(Phases()), indices, draws);
        var actual = TwoSteps(split, new SplitBatchStep(1, Phases()), indices, draws);

        Assert.Equal(expected, actual);
        AssertSameParameters(plain, split);
    }

    [Fact]
    public void Timed_phases_report_every_phase_and_change_nothing_else()
    {
        using var scope = NewDisposeScope();
        var (indices, draws) = Batch(64);
        using var plain = Model("bn");
        using var timed = Model("bn");
        var clock = new TimedStepPhases(Phases());
        clock.Restart();

        var expected = TwoSteps(plain, new TrainingStep(Phases()), indices, draws);
        var actual = TwoSteps(timed, new TrainingStep(clock), indices, draws);

        Assert.Equal(expected, actual);
        AssertSameParameters(plain, timed);
        Assert.All(
            [clock.GatherSeconds, clock.AugmentSeconds, clock.ForwardSeconds, clock.BackwardSeconds, clock.OptimizerSeconds],
            seconds => Assert.True(seconds > 0, "a phase was not timed"));
    }

    [Theory]
    [InlineData("adam", KernelChoice.Fast, typeof(SinglePassAdam))]
    [InlineData("adam", KernelChoice.Reference, typeof(Adam))]
    [InlineData("sgd", KernelChoice.Fast, typeof(SGD))]
    [InlineData("sgd", KernelChoice.Reference, typeof(SGD))]
    public void Optimizer_factory_gives_each_path_its_optimizer(string name, KernelChoice kernels, Type expected)
    {
        using var model = Model("nobn");

        using var optimizer = Optimizers.Create(model.parameters(), name, 1e-3, sgdMomentum: 0.9, weightDecay: 0, kernels);

        Assert.IsType(expected, optimizer);
    }

    [Fact]
    public void Unknown_optimizer_is_refused_by_name()
    {
        using var model = Model("nobn");

        var error = Assert.Throws<ConfigException>(() => Optimizers.Create(model.parameters(), "rmsprop", 1e-3, 0.9, 0, KernelChoice.Fast));

        Assert.Contains("unknown optimizer 'rmsprop'", error.Message);
    }

    [Fact]
    public void Reference_kernels_train_on_one_unsplit_thread_and_repeat_exactly()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var log = new List<string>();

        var (a, history) = Train(Reference(first.Path), first.Path, log.Add);
        var (b, again) = Train(Reference(second.Path), second.Path, _ => { });

        using (a)
        using (b)
        {
            Assert.Equal(KernelChoice.Reference, a.Kernels);
            Assert.All(a.BatchNorms, norm => Assert.Equal(KernelChoice.Reference, norm.Kernels));
            Assert.Equal(1, history.Threads);
            Assert.Contains(log, line => line.StartsWith("reference kernels: plain TorchSharp ops, the batch is not split", StringComparison.Ordinal));
            Assert.True(history.Epochs[^1].TestAccuracy > 0.5, $"test accuracy {history.Epochs[^1].TestAccuracy} after one epoch");
            Assert.Equal(
                history.Epochs.Select(e => (e.TrainLoss, e.TrainAccuracy, e.TestLoss, e.TestAccuracy)),
                again.Epochs.Select(e => (e.TrainLoss, e.TrainAccuracy, e.TestLoss, e.TestAccuracy)));
        }
    }

    private static PipelineConfig Reference(string output)
    {
        var config = TrainingFixture.Config(1, output);
        return config with { Training = config.Training with { Kernels = TrainingConfig.ReferenceKernels } };
    }

    private (NetworkModule Model, TrainingHistory History) Train(PipelineConfig config, string output, Action<string> log) =>
        new Trainer(config, data.Train, data.Test, log).Run("bn", output, resume: false, NoProgress.Instance);

    private StepPhases Phases() => new(data.Train, Augmentation);

    private static (Tensor Indices, Tensor Draws) Batch(int size)
    {
        var indices = arange(size, dtype: ScalarType.Int64).mul_(5).remainder_(TrainingFixture.TrainImages);
        using var generator = new Generator(3);
        return (indices, Augmenter.RandomDraws(size, generator));
    }

    /// <summary>Two optimizer steps on the same batch (the second sees the first's moments); returns their loss sums and correct counts.</summary>
    private static (double, long, double, long) TwoSteps(NetworkModule model, IBatchStep step, Tensor indices, Tensor draws)
    {
        using (step)
        {
            using var optimizer = Optimizers.Create(model.parameters(), "adam", 1e-3, 0.9, 0, KernelChoice.Fast);
            var first = step.Run(model, optimizer, indices, draws);
            var second = step.Run(model, optimizer, indices, draws);
            return (first.LossSum, first.Correct, second.LossSum, second.Correct);
        }
    }

    private static void AssertSameParameters(NetworkModule expected, NetworkModule actual)
    {
        foreach (var ((name, a), (_, b)) in expected.named_parameters().Zip(actual.named_parameters()))
            Assert.True(a.eq(b).all().item<bool>(), $"{name} differs");
        foreach (var (a, b) in expected.BatchNorms.Zip(actual.BatchNorms))
            Assert.True(a.RunningVar.eq(b.RunningVar).all().item<bool>(), "running variance differs");
    }

    private static NetworkModule Model(string variant) => TestNetworks.SeededLeNet(variant, BatchNorm);
}
