// `mnistbn train [--variant bn|nobn] [--resume]`: trains the variants from pipeline.yaml with a live
// progress bar and one line per epoch; checkpoints and histories go to training.output_directory.
using System.CommandLine;
using MnistBn.Training.Loop;
using Spectre.Console;

namespace MnistBn.Training.Cli;

internal static class TrainCommand
{
    public static readonly Option<string?> Variant = new("--variant")
    {
        Description = "Train only this variant (bn or nobn); default: every variant in model.variants.",
    };

    public static Command Create()
    {
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue each variant from its checkpoint (only training.epochs may differ from the checkpoint's config).",
        };
        var command = new Command("train", "Train LeNet with and without BatchNorm on MNIST; writes <training.output_directory>/<variant>/checkpoint.bin and history.json after every epoch.")
            .WithCommonOptions();
        command.Options.Add(Variant);
        command.Options.Add(resume);
        command.SetAction((parse, cancellationToken) => CliErrors.GuardAsync(async () =>
        {
            var (config, root) = CommonOptions.Load(parse);
            var variants = TrainingSession.Variants(config, parse.GetValue(Variant));
            using var session = await TrainingSession.OpenAsync(config, root, cancellationToken);
            var trainer = new Trainer(config, session.Train, session.Test, Console.WriteLine);
            var output = TrainingSession.OutputDirectory(config, root);
            Console.WriteLine(
                $"training {string.Join(", ", variants)}: {session.Train.Count} train / {session.Test.Count} test images, " +
                $"{config.Training.Epochs} epochs, batch {config.Training.BatchSize}, {config.Training.Optimizer} lr {config.Training.LearningRate}, " +
                $"augmentation {(config.Training.Augmentation.Enabled ? "on" : "off")}, {trainer.Threads} threads → {output}");
            try
            {
                foreach (var variant in variants)
                {
                    AnsiConsole.Progress()
                        .AutoClear(true)
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                        .Start(context =>
                        {
                            var (model, history) = trainer.Run(variant, output, parse.GetValue(resume), new SpectreProgress(context));
                            model.Dispose();
                        });
                }
            }
            catch (TrainingDivergedException error)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return 2;
            }
            return 0;
        }));
        return command;
    }

    private sealed class SpectreProgress(ProgressContext context) : ITrainingProgress
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
}
