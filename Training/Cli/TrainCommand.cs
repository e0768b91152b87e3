// `mnistbn train [--variant bn|nobn] [--resume]`: trains the variants from pipeline.yaml with a live
// progress bar and one line per epoch; checkpoints and histories go to training.output_directory.
using System.CommandLine;
using MnistBn.Training.Loop;
using MnistBn.Training.Stages;
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
        var command = new Command("train", "Train LeNet with and without BatchNorm on MNIST; writes <training.output_directory>/<variant>/checkpoint.bin and history.json after every epoch. " +
            "Holds a lock on each variant's directory while it runs: a second training into the same directory fails at once, naming the process that holds it. " +
            "--set training.kernels=reference trains on the plain, readable TorchSharp code (BatchNorm as the paper's Algorithm 1, optim.Adam, one unsplit batch) " +
            "instead of the fast C# kernels it is pinned to: 2–4 times slower, the same accuracy within run-to-run noise.")
            .WithCommonOptions();
        command.Options.Add(Variant);
        command.Options.Add(resume);
        command.SetAction((parse, cancellationToken) => CliErrors.GuardAsync(async () =>
        {
            var (config, root) = CommonOptions.Load(parse);
            var variants = TrainingSession.Variants(config, parse.GetValue(Variant));
            var output = TrainingSession.OutputDirectory(config, root);
            // Held for the whole command and taken first: a second training into the same directory fails at once.
            var paths = new StudyPaths(config, root);
            using var locks = DirectoryLock.AcquireAll(variants.Select(paths.VariantRunsLock));
            using var session = await TrainingSession.OpenAsync(config, root, Console.WriteLine, cancellationToken);
            var trainer = new Trainer(config, session.Train, session.Test, Console.WriteLine);
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
                            var (model, history) = trainer.Run(variant, output, parse.GetValue(resume), new SpectreTrainingProgress(context), cancellationToken);
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
        }, cancellationToken));
        return command;
    }
}
