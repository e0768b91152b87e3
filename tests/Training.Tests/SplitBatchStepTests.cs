// Pins the split batch (DataParallel/SplitBatchStep.cs): a batch trained on several threads gives the
// gradients and BatchNorm running statistics of the whole batch on one thread, and the parts, the
// all-reduce and the worker threads behave (order, failures, aborts).
using MnistBn.Shared.Configuration;
using MnistBn.TestSupport;
using MnistBn.Training.Data;
using MnistBn.Training.DataParallel;
using MnistBn.Training.Loop;
using MnistBn.Training.Model;
using static TorchSharp.torch;

namespace MnistBn.Training.Tests;

public sealed class SplitBatchStepTests(TrainingFixture data) : IClassFixture<TrainingFixture>
{
    private static readonly BatchNormConfig BatchNorm = new(0.1, 1e-3);
    private static readonly Augmenter Augmentation = new(MnistTestData.Config.Training.Augmentation);

    [Theory]
    [InlineData("bn", 2, 64)]
    [InlineData("bn", 3, 50)]
    [InlineData("nobn", 2, 51)]
    [InlineData("bn", 2, 3)] // a part of one image: its BatchNorm layers see [1, C] and rely on the exchange
    [InlineData("bn", 3, 2)] // fewer images than threads: two parts of one image
    public void Split_batch_gives_the_gradients_and_running_statistics_of_the_whole_batch(string variant, int parts, int batch)
    {
        using var scope = NewDisposeScope();
        var indices = arange(batch, dtype: ScalarType.Int64).mul_(7).remainder_(TrainingFixture.TrainImages);
        using var generator = new Generator(5);
        var draws = Augmenter.RandomDraws(batch, generator);
        using var whole = Model(variant);
        using var split = Model(variant);

        var expected = Step(whole, 1, indices, draws);
        var actual = Step(split, parts, indices, draws);

        Assert.Equal(expected.LossSum, actual.LossSum, 4);
        Assert.Equal(expected.Correct, actual.Correct);
        foreach (var ((name, reference), (_, parameter)) in whole.named_parameters().Zip(split.named_parameters()))
            AssertClose(reference.grad!, parameter.grad!, name);
        foreach (var (reference, layer) in whole.BatchNorms.Zip(split.BatchNorms))
        {
            AssertClose(reference.RunningMean, layer.RunningMean, "running mean");
            AssertClose(reference.RunningVar, layer.RunningVar, "running variance");
            Assert.Equal(1, layer.NumBatchesTracked.item<long>());
        }
    }

    [Fact]
    public void Same_split_gives_the_same_bits_every_time()
    {
        using var scope = NewDisposeScope();
        var indices = arange(64, dtype: ScalarType.Int64);
        using var first = Model("bn");
        using var second = Model("bn");
        Step(first, 2, indices, null);
        Step(second, 2, indices, null);
        foreach (var ((_, a), (_, b)) in first.named_parameters().Zip(second.named_parameters()))
            Assert.True(a.grad!.eq(b.grad!).all().item<bool>());
    }

    [Fact]
    public void Split_evaluation_equals_whole_evaluation()
    {
        using var model = Model("bn");
        using var threads = new PartThreads(3);
        var (loss, accuracy) = ClassifierEvaluation.Evaluate(model, data.Test.Images, data.Test.Labels, threads: threads);
        var (wholeLoss, wholeAccuracy) = ClassifierEvaluation.Evaluate(model, data.Test.Images, data.Test.Labels);
        Assert.Equal(wholeAccuracy, accuracy);
        Assert.Equal(wholeLoss, loss, 5);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void Split_evaluation_of_fewer_images_than_threads_equals_whole_evaluation(int images)
    {
        using var model = Model("bn");
        using var threads = new PartThreads(3);
        var (testImages, testLabels) = (data.Test.Images.narrow(0, 0, images), data.Test.Labels.narrow(0, 0, images));
        var (loss, accuracy) = ClassifierEvaluation.Evaluate(model, testImages, testLabels, threads: threads);
        var (wholeLoss, wholeAccuracy) = ClassifierEvaluation.Evaluate(model, testImages, testLabels);
        Assert.Equal(wholeAccuracy, accuracy);
        Assert.Equal(wholeLoss, loss, 5);
    }

    [Fact]
    public void Empty_batch_is_refused()
    {
        using var model = Model("bn");
        using var threads = new PartThreads(2);
        var step = new SplitBatchStep(threads, new TrainingBatches(data.Train, Augmentation));
        Assert.Throws<ArgumentException>(() => step.ComputeGradients(model, [.. model.parameters()], zeros(0, ScalarType.Int64), null));
    }

    [Fact]
    public void Failure_of_one_thread_after_the_forward_pass_is_rethrown_and_nothing_is_left_waiting()
    {
        // Thread 1 fails between its forward and backward passes while thread 0 goes on into its backward
        // pass, where BatchNorm's exchange (called from LibTorch's native autograd engine) must not throw.
        using var scope = NewDisposeScope();
        var layer = new BatchNorm1d(5, 0.1, 1e-3) { TrainingNode = KernelChoice.Fast.BatchNormTraining() };
        layer.train();
        var exchange = new PartExchange(2);
        using var threads = new PartThreads(2);
        var error = Assert.Throws<InvalidOperationException>(() => threads.Run(2, exchange, part =>
        {
            using var partScope = NewDisposeScope();
            var reducer = new BatchStatisticsReducer(part, exchange);
            var input = randn(4, 5).requires_grad_(true);
            var output = layer.Forward(input, reducer);
            if (part == 1)
                throw new InvalidOperationException("thread 1 broke after its forward pass");
            output.sum().backward();
            reducer.ThrowIfFailed();
        }));
        Assert.Equal("thread 1 broke after its forward pass", error.Message);
    }

    [Fact]
    public void Worker_that_sits_out_a_smaller_job_runs_each_later_job_once()
    {
        const int threads = 3, jobs = 2000;
        var runs = new int[threads];
        using var pool = new PartThreads(threads);
        var exchange = new PartExchange(threads);
        for (var job = 0; job < jobs; job++)
        {
            // Alternate jobs for one thread (the workers sit them out) with jobs for all three.
            var count = job % 2 == 0 ? 1 : threads;
            pool.Run(count, exchange, part => Interlocked.Increment(ref runs[part]));
        }
        Assert.Equal([jobs, jobs / 2, jobs / 2], runs);
    }

    [Theory]
    [InlineData(128, 2)]
    [InlineData(50, 3)]
    [InlineData(5, 4)]
    public void Parts_cover_the_batch_in_order_and_differ_by_at_most_one(long size, int parts)
    {
        var all = Enumerable.Range(0, parts).Select(p => BatchParts.Of(size, parts, p)).ToList();
        Assert.Equal(0, all[0].Start);
        for (var p = 1; p < parts; p++)
            Assert.Equal(all[p - 1].Start + all[p - 1].Length, all[p].Start);
        Assert.Equal(size, all[^1].Start + all[^1].Length);
        Assert.True(all.Max(p => p.Length) - all.Min(p => p.Length) <= 1);
    }

    [Theory]
    [InlineData(48000, 2)]
    [InlineData(10, 2)]
    [InlineData(850, 3)]
    [InlineData(0, 2)]
    public void Slices_tile_a_parameter_on_cache_line_boundaries(int length, int threads)
    {
        var slices = Enumerable.Range(0, threads).Select(t => ElementRanges.Of(length, t, threads)).ToList();
        Assert.Equal(0, slices[0].Start);
        for (var t = 1; t < threads; t++)
        {
            Assert.Equal(slices[t - 1].Start + slices[t - 1].Length, slices[t].Start);
            Assert.Equal(0, slices[t].Start % 16);
        }
        Assert.Equal(length, slices[^1].Start + slices[^1].Length);
        Assert.All(slices, s => Assert.True(s.Length >= 0));
    }

    [Fact]
    public void Exchange_gives_every_part_the_same_sums_round_after_round()
    {
        const int parts = 3, rounds = 50;
        var exchange = new PartExchange(parts);
        var results = new double[parts][][];
        using var threads = new PartThreads(parts);
        threads.Run(parts, exchange, part =>
        {
            results[part] = new double[rounds][];
            for (var round = 0; round < rounds; round++)
            {
                // Values whose float sum depends on the order: part order must win.
                double[] values = [part == 0 ? 1e16 : 1, round, part];
                exchange.Sum(part, values, round);
                results[part][round] = values;
            }
        });
        for (var round = 0; round < rounds; round++)
        {
            Assert.Equal([((1e16 + 1) + 1), 3.0 * round, 3.0], results[0][round]);
            Assert.Equal(results[0][round], results[1][round]);
            Assert.Equal(results[0][round], results[2][round]);
        }
    }

    [Fact]
    public void Failing_part_is_rethrown_and_releases_the_waiting_ones()
    {
        var exchange = new PartExchange(2);
        using var threads = new PartThreads(2);
        var error = Assert.Throws<InvalidOperationException>(() => threads.Run(2, exchange, part =>
        {
            if (part == 1)
                throw new InvalidOperationException("part 1 broke");
            exchange.Sum(part, new double[3], 0); // would wait for part 1 forever without the abort
        }));
        Assert.Equal("part 1 broke", error.Message);

        exchange.Reset();
        var sums = new double[2];
        threads.Run(2, exchange, part =>
        {
            var values = new double[] { part + 1 };
            exchange.Sum(part, values, 0);
            sums[part] = values[0];
        });
        Assert.Equal([3.0, 3.0], sums);
    }

    [Fact]
    public void Parts_out_of_step_are_reported()
    {
        var exchange = new PartExchange(2);
        using var threads = new PartThreads(2);
        var error = Assert.Throws<InvalidOperationException>(() =>
            threads.Run(2, exchange, part => exchange.Sum(part, new double[part + 1], 0)));
        Assert.Contains("out of step", error.Message);
    }

    private static NetworkModule Model(string variant) => TestNetworks.SeededLeNet(variant, BatchNorm);

    private (double LossSum, long Correct) Step(NetworkModule model, int parts, Tensor indices, Tensor? draws)
    {
        using var threads = new PartThreads(parts);
        var step = new SplitBatchStep(threads, new TrainingBatches(data.Train, Augmentation));
        Tensor[] parameters = [.. model.parameters()];
        return step.ComputeGradients(model, parameters, indices, draws);
    }

    // Float sums in another order; with two or three images BN divides by tiny variances, which magnifies
    // rounding to ~3e-5 of the largest gradient. A wrong sum over the parts is off by whole factors.
    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        var scale = Math.Max(1e-3f, expected.abs().max().item<float>());
        var difference = (actual - expected).abs().max().item<float>();
        Assert.True(difference <= 1e-4f * scale, $"{what}: differs by {difference} (largest magnitude {scale})");
    }
}
