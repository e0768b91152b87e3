// Options every command shares: which pipeline.yaml, and single-value overrides of it.
using System.CommandLine;
using MnistBn.Shared;
using MnistBn.Shared.Configuration;

namespace MnistBn.Training.Cli;

internal static class CommonOptions
{
    public static readonly Option<FileInfo?> Config = new("--config")
    {
        Description = "Path to pipeline.yaml (default: the one at the repository root).",
        Recursive = true,
    };

    public static readonly Option<string[]> Set = new("--set")
    {
        Description = "Override one value of pipeline.yaml, e.g. --set training.epochs=1 (repeatable).",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Adds the shared options to a command.</summary>
    public static Command WithCommonOptions(this Command command)
    {
        command.Options.Add(Config);
        command.Options.Add(Set);
        return command;
    }

    /// <summary>The loaded config and the repository root its relative paths resolve against.</summary>
    public static (PipelineConfig Config, string Root) Load(ParseResult parse)
    {
        var file = parse.GetValue(Config);
        var path = file?.FullName ?? Path.Combine(RepositoryPaths.FindRoot(), RepositoryPaths.ConfigFileName);
        var config = PipelineConfigLoader.Load(path, parse.GetValue(Set) ?? []);
        return (config, Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
