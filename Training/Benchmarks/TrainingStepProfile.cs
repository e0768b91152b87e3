// Where one training epoch's time goes: the Trainer's step (one thread or split, as the config says)
// over one epoch, timed as a whole per batch, with wrappers timing what it calls (TimedStepParts.cs):
// the random draws plus gather and augment, the optimizer, and the rest, which is forward, loss and
// backward (for a split batch also the parts' exchanges and the gradient sums). CPU kernels in
// libtorch run synchronously, so a stopwatch between calls measures them. Used by
// `mnistbn bench-training --profile`.
using System.Diagnostics;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Data;
using MnistBn.Training.DataParallel;
using MnistBn.Training.Loop;
using MnistBn.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.Training.Benchmarks;

/// <summary>Seconds spent per phase over one epoch, with the batch split over <paramref name="Threads"/> threads.</summary>
internal sealed record StepProfile(double Data, double ForwardBackward, double Optimizer, int Batches, int Threads)
{
    public double Total => Data + ForwardBackward + Optimizer;
}

internal static class TrainingStepProfile
{
    public static StepProfile Measure(PipelineConfig config, string variant, MnistTensors train, CancellationToken cancel = default)
    {
        var trainer = new Trainer(config, train, train, _ => { }); // sets TorchSharp's threads as training does
        torch.manual_seed(config.Training.Seed);
        using var model = StudyModel.Create(variant, config);
        using var threads = trainer.Threads > 1 ? new PartThreads(trainer.Threads) : null;
        var augmenter = new Augmenter(config.Training.Augmentation);
        var batches = new TimedBatchSource(new TrainingBatches(train, augmenter));
        using var optimizer = new TimedOptimizer(Optimizers.ForTraining(model, config.Training, threads));
        var step = Trainer.CreateStep(threads, batches);
        var batchSize = config.Training.BatchSize;
        using var generator = new Generator((ulong)config.Training.Seed);
        using var order = randperm(train.Count, generator: generator);
        model.train();
        double drawSeconds = 0, stepSeconds = 0;
        var count = 0;
        for (long start = 0; start + batchSize <= train.Count; start += batchSize)
        {
            cancel.ThrowIfCancellationRequested(); // between batches, as training stops
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            var indices = order.narrow(0, start, batchSize);
            var draws = augmenter.Enabled ? Augmenter.RandomDraws(batchSize, generator) : null;
            drawSeconds += clock.Elapsed.TotalSeconds;
            clock.Restart();
            step.Run(model, optimizer, indices, draws);
            stepSeconds += clock.Elapsed.TotalSeconds;
            count++;
        }
        var data = drawSeconds + batches.Seconds;
        return new StepProfile(data, stepSeconds - batches.Seconds - optimizer.Seconds, optimizer.Seconds, count, trainer.Threads);
    }
}
