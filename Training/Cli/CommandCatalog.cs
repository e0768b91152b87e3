using System.CommandLine;

namespace MnistBn.Training.Cli;

/// <summary>Every sub-command of the tool, in the order --help lists them.</summary>
internal static class CommandCatalog
{
    /// <summary>The `mnistbn` root command with every sub-command: what Program runs and what the CLI tests parse.</summary>
    public static RootCommand Root()
    {
        var root = new RootCommand(
            "MnistBn: LeNet on MNIST with and without Batch Normalization, trained with TorchSharp, " +
            "exported to ONNX and scored through ML.NET. Every command reads pipeline.yaml; " +
            "--set key.path=value overrides one value.");
        foreach (var command in All())
            root.Subcommands.Add(command);
        return root;
    }

    public static IEnumerable<Command> All() =>
    [
        RunCommand.Create(), // the whole study first: it is what README's first command runs
        ConfigCommand.Create(),
        FetchCommand.Create(),
        TrainCommand.Create(),
        ExportCommand.Create(),
        PredictCommand.Create(),
        EvaluateCommand.Create(),
        ExperimentCommand.Create(),
        ReportCommand.Create(),
        BenchTrainingCommand.Create(),
        BenchInferenceCommand.Create(),
    ];
}
