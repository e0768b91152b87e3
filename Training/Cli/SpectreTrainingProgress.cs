// Draws training progress: a Spectre.Console bar per variant and one line per finished epoch.
// Shared by `mnistbn train` and `mnistbn run`.
using MnistBn.Training.Loop;
using Spectre.Console;

namespace MnistBn.Training.Cli;

internal sealed class SpectreTrainingProgress(ProgressContext context) : ITrainingProgress
{
    private ProgressTask? _task;
    private int _batches;

    public void Started(string variant, int firstEpoch, int epochs, int batchesPerEpoch)
    {
        _batches = batchesPerEpoch;
        _task = context.AddTask(variant, maxValue: Math.Max(1, (double)(epochs - firstEpoch) * batchesPerEpoch));
        if (firstEpoch >= epochs)
            AnsiConsole.WriteLine($"{variant}: already trained for {epochs} epochs");
    }

    public void Batch(string variant, int epoch, int batch)
    {
        if (_task is null)
            return;
        _task.Increment(1);
        _task.Description = $"{variant} epoch {epoch + 1}";
    }

    public void Epoch(string variant, EpochMetrics m)
    {
        AnsiConsole.WriteLine(
            $"{variant} epoch {m.Epoch,2}: train loss {m.TrainLoss:F4} acc {m.TrainAccuracy:P2} | " +
            $"test loss {m.TestLoss:F4} acc {m.TestAccuracy:P2} | {m.TrainSeconds:F2} s train ({m.TrainImagesPerSecond:F0} img/s) + {m.EvalSeconds:F2} s eval");
    }
}
