using System.CommandLine;

namespace MnistBn.Training.Cli;

/// <summary>Every sub-command of the tool, in the order --help lists them.</summary>
internal static class CommandCatalog
{
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
        BenchTrainingCommand.Create(),
        BenchInferenceCommand.Create(),
    ];
}
