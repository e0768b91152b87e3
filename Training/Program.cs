// Entry point of the `mnistbn` command-line tool: one sub-command per stage of the study.
using System.CommandLine;
using MnistBn.Training.Cli;

var root = new RootCommand(
    "MnistBn: LeNet on MNIST with and without Batch Normalization, trained with TorchSharp, " +
    "exported to ONNX and scored through ML.NET. Every command reads pipeline.yaml; " +
    "--set key.path=value overrides one value.");

foreach (var command in CommandCatalog.All())
    root.Subcommands.Add(command);

return await root.Parse(args).InvokeAsync();
