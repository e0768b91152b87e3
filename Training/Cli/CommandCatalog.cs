using System.CommandLine;

namespace MnistBn.Training.Cli;

/// <summary>Every sub-command of the tool, in the order --help lists them.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        ConfigCommand.Create(),
        FetchCommand.Create(),
        TrainCommand.Create(),
        BenchTrainingCommand.Create(),
        RunCommand.Create(),
        ExportCommand.Create(),
        PredictCommand.Create(),
        EvaluateCommand.Create(),
        BenchInferenceCommand.Create(),
        ExperimentCommand.Create(),
    ];
}
