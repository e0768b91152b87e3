// `mnistbn config`: validates pipeline.yaml (with overrides) and prints the resolved values.
using System.CommandLine;
using MnistBn.Shared.Configuration;

namespace MnistBn.Training.Cli;

internal static class ConfigCommand
{
    public static Command Create()
    {
        var command = new Command("config", "Validate pipeline.yaml (and any --set overrides) and print the resolved configuration as JSON with its hash.")
            .WithCommonOptions();
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var (config, _) = CommonOptions.Load(parse);
            Console.WriteLine(PipelineConfigJson.Serialize(config));
            Console.WriteLine($"config hash: {PipelineConfigJson.Hash(config)}");
            return 0;
        }));
        return command;
    }
}
