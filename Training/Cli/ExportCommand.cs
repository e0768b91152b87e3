// `mnistbn export`: loads the training checkpoint of each variant and writes lenet-<variant>.onnx
// (BatchNorm folded) into export.directory; --unfolded also writes lenet-<variant>-unfolded.onnx.
using System.CommandLine;
using MnistBn.Training.Export;
using MnistBn.Training.Stages;
using MnistBn.Training.Runtime;

namespace MnistBn.Training.Cli;

internal static class ExportCommand
{
    private static readonly Option<string?> Variant = new("--variant")
    {
        Description = "Export only this variant (bn or nobn); default: every variant in model.variants.",
    };

    private static readonly Option<FileInfo?> CheckpointFile = new("--checkpoint")
    {
        Description = "A training checkpoint (runs/<variant>/checkpoint.bin) to export instead of the default ones; its header names the variant.",
    };

    private static readonly Option<bool> Unfolded = new("--unfolded")
    {
        Description = "Also write lenet-<variant>-unfolded.onnx with BatchNormalization nodes (to verify the folding).",
    };

    public static Command Create()
    {
        var command = new Command("export", "Export trained LeNet checkpoints to ONNX (BatchNorm folded) in export.directory, through the exporter package MnistBn.OnnxExport.TorchSharp (module.ExportOnnx), as any TorchSharp model exports.")
            .WithCommonOptions();
        command.Options.Add(Variant);
        command.Options.Add(CheckpointFile);
        command.Options.Add(Unfolded);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var (config, root) = CommonOptions.Load(parse);
            var explicitCheckpoint = parse.GetValue(CheckpointFile)?.FullName;
            var checkpoints = explicitCheckpoint is not null
                ? [explicitCheckpoint]
                : TrainingSession.Variants(config, parse.GetValue(Variant)).Select(v => TrainedModelExporter.DefaultCheckpoint(config, root, v)).ToList();
            TorchSharpRuntime.EnsureLoaded(Console.WriteLine);
            // `run` exports into the same directory: one writer at a time. Taken once there is a model to
            // write, so that a checkpoint that does not load leaves export.directory as it was.
            var models = new StudyPaths(config, root).ModelsLock;
            DirectoryLock? exclusive = null;
            try
            {
                foreach (var checkpoint in checkpoints)
                {
                    var (variant, written) = TrainedModelExporter.ExportCheckpoint(checkpoint, config, root, parse.GetValue(Unfolded),
                        beforeWriting: () => exclusive ??= DirectoryLock.Acquire(models));
                    foreach (var path in written)
                        Console.WriteLine($"{variant}: {checkpoint} → {path}");
                }
            }
            finally
            {
                exclusive?.Dispose();
            }
            return 0;
        }));
        return command;
    }
}
