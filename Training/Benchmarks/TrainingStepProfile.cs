// Where one training epoch's time goes: the Trainer's step (single-thread or split, as the config
// says) over one epoch with its phases timed by TimedStepPhases — gather, augment (with the random
// draws), forward, loss + backward, waiting for the other parts and adding their gradients, optimizer.
// CPU kernels in libtorch run synchronously, so a stopwatch between calls measures them. Used by
// `mnistbn bench-training --profile`.
using System.Diagnostics;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Data;
using MnistBn.Training.Loop;
using MnistBn.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.Training.Benchmarks;

/// <summary>Seconds spent per phase over one epoch, with the batch split over <paramref name="Threads"/> threads.</summary>
internal sealed record StepProfile(double Gather, double Augment, double Forward, double Backward, double Combine, double Step, int Batches, int Threads)
{
    public double Total => Gather + Augment + Forward + Backward + Combine + Step;
}

internal static class TrainingStepProfile
{
    public static StepProfile Measure(PipelineConfig config, string variant, MnistTensors train)
    {
        var trainer = new Trainer(config, train, train, _ => { }); // sets TorchSharp's threads as training does
        torch.manual_seed(config.Training.Seed);
        using var model = StudyModel.Create(variant, config);
        var optimizer = Optimizers.ForTraining(model, config.Training);
        var augmenter = new Augmenter(config.Training.Augmentation);
        var phases = new TimedStepPhases(new StepPhases(train, augmenter));
        using var step = Trainer.CreateStep(trainer.Threads, phases);
        var batchSize = config.Training.BatchSize;
        using var generator = new Generator((ulong)config.Training.Seed);
        using var order = randperm(train.Count, generator: generator);
        model.train();
        double drawSeconds = 0;
        var batches = 0;
        for (long start = 0; start + batchSize <= train.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            var indices = order.narrow(0, start, batchSize);
            var draws = augmenter.Enabled ? Augmenter.RandomDraws(batchSize, generator) : null;
            drawSeconds += clock.Elapsed.TotalSeconds;
            phases.Restart();
            step.Run(model, optimizer, indices, draws);
            batches++;
        }
        return new StepProfile(phases.GatherSeconds, phases.AugmentSeconds + drawSeconds, phases.ForwardSeconds, phases.BackwardSeconds,
            phases.CombineSeconds, phases.OptimizerSeconds,
            batches, trainer.Threads);
    }
}
