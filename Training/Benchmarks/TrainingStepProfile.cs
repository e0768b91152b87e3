// Where one training epoch's time goes: the same steps as Trainer's loop (gather, augment, forward,
// loss + backward, optimizer step), each timed on its own. CPU kernels in libtorch run synchronously,
// so a stopwatch around each call measures that call. Used by `mnistbn bench-training --profile`.
using System.Diagnostics;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Data;
using MnistBn.Training.Loop;
using MnistBn.Training.Model;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Benchmarks;

/// <summary>Seconds spent per phase over one epoch.</summary>
internal sealed record StepProfile(double Gather, double Augment, double Forward, double Backward, double Step, int Batches)
{
    public double Total => Gather + Augment + Forward + Backward + Step;
}

internal static class TrainingStepProfile
{
    public static StepProfile Measure(PipelineConfig config, string variant, MnistTensors train)
    {
        torch.manual_seed(config.Training.Seed);
        using var model = new LeNet(variant, ModelVariants.UsesBatchNorm(variant), config.Model.BatchNorm);
        var optimizer = Trainer.CreateOptimizer(model, config.Training);
        var augmenter = new Augmenter(config.Training.Augmentation);
        var batchSize = config.Training.BatchSize;
        using var generator = new Generator((ulong)config.Training.Seed);
        using var order = randperm(train.Count, generator: generator);
        model.train();
        var times = new double[5];
        var batches = 0;
        for (long start = 0; start + batchSize <= train.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            var indices = order.narrow(0, start, batchSize);
            var images = train.Images.index_select(0, indices);
            var labels = train.Labels.index_select(0, indices);
            times[0] += Lap(clock);
            images = augmenter.Apply(images, generator);
            times[1] += Lap(clock);
            var logits = model.call(images);
            times[2] += Lap(clock);
            var loss = F.cross_entropy(logits, labels);
            optimizer.zero_grad();
            loss.backward();
            times[3] += Lap(clock);
            optimizer.step();
            times[4] += Lap(clock);
            batches++;
        }
        return new StepProfile(times[0], times[1], times[2], times[3], times[4], batches);
    }

    private static double Lap(Stopwatch clock)
    {
        var seconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        return seconds;
    }
}
