// `mnistbn bench-training`: seconds per training epoch (median over epochs) and images/second for
// each variant, with augmentation off and on, through the real training loop (Trainer.Run into a
// throw-away directory); --profile adds where one epoch's time goes, phase by phase. Numbers for the
// README and closing notes come from here, never from timed unit tests.
using System.CommandLine;
using System.Globalization;
using MnistBn.Training.Benchmarks;
using MnistBn.Training.Loop;
using MnistBn.Training.Model;
using MnistBn.Training.Stages;

namespace MnistBn.Training.Cli;

internal static class BenchTrainingCommand
{
    private static readonly Option<int> Epochs = new("--epochs")
    {
        Description = "Timed epochs per variant and augmentation setting (the median is reported).",
        DefaultValueFactory = _ => 3,
    };

    private static readonly Option<bool> Profile = new("--profile")
    {
        Description = "Also time the phases of one epoch per variant: the data (random draws, gather, augment), forward + loss + backward (with a split batch also the threads' exchanges and gradient sums), the optimizer step.",
    };

    public static Command Create()
    {
        var command = new Command("bench-training",
            "Benchmark training speed: median seconds per epoch and images/s for each variant, augmentation off and on " +
            "(training.* from pipeline.yaml; test evaluation and checkpoints are not counted).")
            .WithCommonOptions();
        command.Options.Add(Epochs);
        command.Options.Add(Profile);
        command.Options.Add(TrainCommand.Variant);
        command.SetAction((parse, cancel) => CliErrors.GuardAsync(async () =>
        {
            var (config, root) = CommonOptions.Load(parse);
            var epochs = Math.Max(1, parse.GetValue(Epochs));
            var variants = TrainingSession.Variants(config, parse.GetValue(TrainCommand.Variant));
            using var session = await TrainingSession.OpenAsync(config, root, Console.WriteLine, cancel);
#if DEBUG
            Console.WriteLine("warning: Debug build; benchmark with -c Release");
#endif
            var threads = Trainer.TrainingThreads(config.Training);
            var (parts, libTorchThreads) = KernelChoices.Of(config.Training).Threads(threads);
            var parallelism = parts == 1
                ? $"{config.Training.Kernels} kernels, one unsplit batch, LibTorch on {libTorchThreads} thread(s)"
                : $"{config.Training.Kernels} kernels, batches split over {parts} threads (1 TorchSharp thread each)";
            Console.WriteLine($"{session.Train.Count} training images, batch {config.Training.BatchSize}, {config.Training.Optimizer}, " +
                              $"{parallelism}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
            var output = Directory.CreateTempSubdirectory("mnistbn-bench-");
            try
            {
                foreach (var variant in variants)
                {
                    foreach (var augment in new[] { false, true })
                    {
                        cancel.ThrowIfCancellationRequested();
                        var run = config with
                        {
                            Training = config.Training with
                            {
                                Epochs = epochs,
                                Augmentation = config.Training.Augmentation with { Enabled = augment },
                            },
                        };
                        var trainer = new Trainer(run, session.Train, session.Test, _ => { });
                        var (model, history) = trainer.Run(variant, Path.Combine(output.FullName, $"{variant}-{augment}"), resume: false, NoProgress.Instance, cancel);
                        model.Dispose();
                        var median = Median(history.Epochs.Select(e => e.TrainSeconds));
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{variant,-5} augmentation {(augment ? "on " : "off")}: median {median:F2} s/epoch ({session.Train.Count / median:F0} images/s); " +
                            $"epochs {string.Join(", ", history.Epochs.Select(e => e.TrainSeconds.ToString("F2", CultureInfo.InvariantCulture)))} s"));
                    }
                    if (parse.GetValue(Profile))
                        PrintProfile(variant, TrainingStepProfile.Measure(config, variant, session.Train, cancel));
                }
            }
            finally
            {
                output.Delete(recursive: true);
            }
            return 0;
        }, cancel));
        return command;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static void PrintProfile(string variant, StepProfile p)
    {
        string Part(string name, double s) => string.Create(CultureInfo.InvariantCulture, $"{name} {s:F2} s ({100 * s / p.Total:F0}%)");
        Console.WriteLine($"{variant,-5} one epoch by phase ({p.Batches} batches, each split over {p.Threads} threads; as thread 0 sees it): " + string.Join(", ",
            Part("data (draws, gather, augment)", p.Data), Part("forward+loss+backward", p.ForwardBackward), Part("optimizer", p.Optimizer)));
    }
}
