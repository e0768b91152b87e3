// `mnistbn experiment <lr-sweep|steps-to-target|covariate-shift|bn-placement|all>`: tests the Batch
// Normalization paper's claims on MNIST with the settings of pipeline.yaml's `experiments` section;
// writes <name>.json, <name>.md and PNG/SVG charts into <report.directory>/experiments/, and an index.
using System.CommandLine;
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Experiments;
using MnistBn.Training.Loop;
using MnistBn.Training.Stages;
using MnistBn.Training.Report;

namespace MnistBn.Training.Cli;

internal static class ExperimentCommand
{
    private static readonly Argument<string> Which = new("experiment")
    {
        Description =
            "lr-sweep: final test accuracy vs learning rate for Adam and SGD, which runs diverged (claim: BN allows higher learning rates). " +
            "steps-to-target: test accuracy every k steps; steps each variant needs to reach the targets, e.g. 98% and 99% (claim: BN trains in fewer steps). " +
            "covariate-shift: 15th/50th/85th percentiles of a hidden activation's input over training, with and without BN, " +
            "by default on the paper's 3×100 sigmoid MLP with batch 60 (the paper's Figure 1). " +
            "bn-placement: BN before vs after the activation, for several running-statistics momentums. " +
            "all: the four in that order.",
    };

    public static Command Create()
    {
        Which.AcceptOnlyFromAmong([.. ExperimentSuite.Names, ExperimentSuite.All]);
        var command = new Command("experiment",
            "Test the Batch Normalization paper's claims on MNIST: runs one experiment (or all) with the settings in pipeline.yaml's " +
            "`experiments` section (subsets, seeds, learning rates, steps, targets, percentiles, placements, momentums) and writes " +
            "<name>.json, <name>.md and PNG/SVG charts into <report.directory>/experiments/, plus README.md collecting the findings. " +
            "Each page ends with the exact configuration that produced it. Larger sweeps: --set, e.g. " +
            "--set experiments.lr_sweep.epochs=5 or --set \"experiments.lr_sweep.learning_rates.sgd=[0.01, 0.1, 1]\".")
            .WithCommonOptions();
        command.Arguments.Add(Which);
        command.SetAction((parse, cancel) => CliErrors.GuardAsync(async () =>
        {
            var (config, root) = CommonOptions.Load(parse);
            var experiments = config.Experiments
                ?? throw new ConfigException("pipeline.yaml has no 'experiments' section; see the README's section on experiments");
            // Taken first: another experiment or `report` rewriting these pages meanwhile would mix two runs' pages.
            var paths = new StudyPaths(config, root);
            using var exclusive = DirectoryLock.Acquire(paths.ExperimentsLock);
            // All training images are loaded once; each experiment trains on its own train_subset of them.
            var data = config with { Training = config.Training with { TrainSubset = 0, TestSubset = experiments.TestSubset } };
            using var session = await TrainingSession.OpenAsync(data, root, Console.WriteLine, cancel);
            TorchSharp.torch.set_num_threads(Trainer.ResolveThreads(experiments.Threads));
#if DEBUG
            Console.WriteLine("warning: Debug build; run experiments with -c Release");
#endif
            var context = new ExperimentContext(experiments, DataSplit.Of(session.Train), DataSplit.Of(session.Test), paths.ExperimentsDirectory,
                PortableCommand.Of(parse.Tokens.Select(t => t.Value), root), Console.WriteLine, cancel);
            foreach (var path in ExperimentSuite.Run(parse.GetValue(Which)!, context))
                Console.WriteLine($"wrote {Path.GetRelativePath(root, path)}");
            return 0;
        }, cancel));
        return command;
    }
}
