// Where one training epoch's time goes: Trainer's loop over one epoch with the split batch's phases
// timed (ShardedBatchStep.Phases, as its part 0 sees them: gather, augment, forward, loss + backward,
// then waiting for the other parts and adding their gradients) and the optimizer step. CPU kernels in
// libtorch run synchronously, so a stopwatch between calls measures them. Used by
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
        var threads = Trainer.TrainingThreads(config.Training);
        torch.set_num_threads(1);
        torch.manual_seed(config.Training.Seed);
        using var model = StudyModel.Create(variant, config);
        var optimizer = Trainer.CreateOptimizer(model, config.Training);
        var augmenter = new Augmenter(config.Training.Augmentation);
        var phases = new StepPhaseTimes();
        using var step = new ShardedBatchStep(threads, train, augmenter) { Phases = phases };
        Tensor[] parameters = [.. model.parameters()];
        var batchSize = config.Training.BatchSize;
        using var generator = new Generator((ulong)config.Training.Seed);
        using var order = randperm(train.Count, generator: generator);
        model.train();
        double optimizerSeconds = 0;
        var batches = 0;
        for (long start = 0; start + batchSize <= train.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            var indices = order.narrow(0, start, batchSize);
            var draws = augmenter.Enabled ? Augmenter.RandomDraws(batchSize, generator) : null;
            phases.Add(ref phases.Augment, clock);
            step.Run(model, parameters, indices, draws);
            clock.Restart();
            optimizer.step();
            optimizerSeconds += clock.Elapsed.TotalSeconds;
            batches++;
        }
        return new StepProfile(phases.Gather, phases.Augment, phases.Forward, phases.Backward, phases.Combine, optimizerSeconds, batches, threads);
    }
}
