// `mnistbn export`: loads the trained checkpoint of each variant and writes lenet-<variant>.onnx
// (BatchNorm folded) into export.directory; --unfolded also writes lenet-<variant>-unfolded.onnx.
using System.CommandLine;
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Export;
using MnistBn.Training.Model;
using MnistBn.Training.Runtime;

namespace MnistBn.Training.Cli;

internal static class ExportCommand
{
    private static readonly Option<string?> Variant = new("--variant")
    {
        Description = "Export only this variant (bn or nobn); default: every variant in model.variants.",
    };

    private static readonly Option<FileInfo?> Checkpoint = new("--checkpoint")
    {
        Description = "A saved model state (TorchSharp Module.save) to export instead of the default checkpoint; needs --variant when model.variants lists several.",
    };

    private static readonly Option<bool> Unfolded = new("--unfolded")
    {
        Description = "Also write lenet-<variant>-unfolded.onnx with BatchNormalization nodes (to verify the folding).",
    };

    public static Command Create()
    {
        var command = new Command("export", "Export trained LeNet checkpoints to ONNX (BatchNorm folded) in export.directory.")
            .WithCommonOptions();
        command.Options.Add(Variant);
        command.Options.Add(Checkpoint);
        command.Options.Add(Unfolded);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var (config, root) = CommonOptions.Load(parse);
            var variants = SelectVariants(config, parse.GetValue(Variant), parse.GetValue(Checkpoint));
            TorchSharpRuntime.EnsureLoaded(Console.WriteLine);
            foreach (var variant in variants)
            {
                var checkpoint = parse.GetValue(Checkpoint)?.FullName ?? ModelCheckpointFile.DefaultPath(config, root, variant);
                using var model = ModelCheckpointFile.Load(checkpoint, variant, config.Model.BatchNorm);
                // No metrics travel with a bare state file; the evaluation step records them separately.
                var written = TrainedModelExporter.Export(model, config, root, PipelineConfigJson.Serialize(config),
                    new Dictionary<string, double>(), parse.GetValue(Unfolded));
                foreach (var path in written)
                    Console.WriteLine($"{variant}: {checkpoint} → {path}");
            }
            return 0;
        }));
        return command;
    }

    private static IReadOnlyList<string> SelectVariants(PipelineConfig config, string? variant, FileInfo? checkpoint)
    {
        if (variant is not null)
        {
            ModelVariants.UsesBatchNorm(variant); // throws ConfigException naming the unknown variant
            return [variant];
        }
        if (checkpoint is not null && config.Model.Variants.Count != 1)
            throw new ConfigException($"--checkpoint {checkpoint.FullName}: name the model with --variant ({string.Join(" or ", config.Model.Variants)})");
        return config.Model.Variants;
    }
}
