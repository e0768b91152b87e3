// Pins the plain single-thread step (Loop/TrainingStep.cs) and what is built around it: the split batch
// with one part computes the same step, --profile's timing wrappers change nothing but the clock, the
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

        using var oneThread = new PartThreads(1);
        var expected = TwoSteps(plain, new TrainingStep(Batches()), indices, draws);
        var actual = TwoSteps(split, new SplitBatchStep(oneThread, Batches()), indices, draws);

        Assert.Equal(expected, actual);
        AssertSameParameters(plain, split);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Timing_wrappers_time_data_and_optimizer_and_change_nothing_else(int threadCount)
    {
        using var scope = NewDisposeScope();
        var (indices, draws) = Batch(64);
        using var plain = Model("bn");
        using var timed = Model("bn");
        using var threads = threadCount > 1 ? new PartThreads(threadCount) : null;
        var batches = new TimedBatchSource(Batches());

        var expected = TwoSteps(plain, Trainer.CreateStep(threads, Batches()), indices, draws, threads);
        var actual = TwoSteps(timed, Trainer.CreateStep(threads, batches), indices, draws, threads, timeOptimizer: true, out var optimizerSeconds);

        Assert.Equal(expected, actual);
        AssertSameParameters(plain, timed);
        Assert.True(batches.Seconds > 0, "gather and augment were not timed");
        Assert.True(optimizerSeconds > 0, "the optimizer was not timed");
    }

    [Fact]
    public void Profile_times_every_phase_of_one_epoch_on_the_configured_threads()
    {
        using var output = new TempDirectory();
        var config = TrainingFixture.Config(1, output.Path);

        var profile = TrainingStepProfile.Measure(config, "bn", data.Train);

        Assert.Equal(TrainingFixture.TrainImages / config.Training.BatchSize, profile.Batches);
        Assert.Equal(Trainer.TrainingThreads(config.Training), profile.Threads);
        Assert.All([profile.Data, profile.ForwardBackward, profile.Optimizer], seconds => Assert.True(seconds > 0, "a phase was not timed"));
        Assert.Equal(profile.Data + profile.ForwardBackward + profile.Optimizer, profile.Total, 9);
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
            Assert.All(a.BatchNorms, norm => Assert.False(norm.RunsFastKernel, $"{norm.GetName()} was handed a fast kernel"));
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

    private TrainingBatches Batches() => new(data.Train, Augmentation);

    private static (Tensor Indices, Tensor Draws) Batch(int size)
    {
        var indices = arange(size, dtype: ScalarType.Int64).mul_(5).remainder_(TrainingFixture.TrainImages);
        using var generator = new Generator(3);
        return (indices, Augmenter.RandomDraws(size, generator));
    }

    /// <summary>Two optimizer steps on the same batch (the second sees the first's moments); returns their loss sums and correct counts.</summary>
    private static (double, long, double, long) TwoSteps(NetworkModule model, IBatchStep step, Tensor indices, Tensor draws, PartThreads? threads = null) =>
        TwoSteps(model, step, indices, draws, threads, timeOptimizer: false, out _);

    private static (double, long, double, long) TwoSteps(NetworkModule model, IBatchStep step, Tensor indices, Tensor draws, PartThreads? threads,
        bool timeOptimizer, out double optimizerSeconds)
    {
        using var adam = Optimizers.Create(model.parameters(), "adam", 1e-3, 0.9, 0, KernelChoice.Fast, threads);
        using var timed = new TimedOptimizer(adam);
        optim.Optimizer optimizer = timeOptimizer ? timed : adam;
        var first = step.Run(model, optimizer, indices, draws);
        var second = step.Run(model, optimizer, indices, draws);
        optimizerSeconds = timed.Seconds;
        return (first.LossSum, first.Correct, second.LossSum, second.Correct);
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
