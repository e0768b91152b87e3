// `mnistbn run`: the whole study from pipeline.yaml — fetch, train both variants, export, evaluate
// through ML.NET, write the report — skipping stages that are up to date; ends with the study table.
using System.CommandLine;
using MnistBn.Training.Loop;
using MnistBn.Training.Stages;
using MnistBn.Training.Report;
using Spectre.Console;

namespace MnistBn.Training.Cli;

internal static class RunCommand
{
    public static Command Create()
    {
        var force = new Option<bool>("--force")
        {
            Description = "Redo every stage, even those whose inputs are unchanged and whose outputs verify.",
        };
        var command = new Command("run",
            "Run the whole study: fetch and verify MNIST, train each variant, export to ONNX (BN folded), evaluate the exported " +
            "models on the test set through the ML.NET pipeline, and write the report (Markdown, JSON, plots) to report.directory. " +
            "Stages whose inputs are unchanged and whose outputs verify are skipped; an interrupted run resumes. " +
            "The run and output directories are locked and checked for writing before anything trains.")
            .WithCommonOptions();
        command.Options.Add(force);
        command.SetAction((parse, cancel) => CliErrors.GuardAsync(async () =>
        {
            var (config, root) = CommonOptions.Load(parse);
            var runner = new StudyRunner(config, root, parse.GetValue(force), Console.WriteLine);
            try
            {
                var report = await runner.RunAsync(PortableCommand.Of(parse.Tokens.Select(t => t.Value), root), WithProgress, cancel);
                PrintTable(report, config.Data);
                return 0;
            }
            catch (TrainingDivergedException error)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return 2;
            }
        }, cancel));
        return command;
    }

    private static void WithProgress(Action<ITrainingProgress> train) =>
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context => train(new SpectreTrainingProgress(context)));

    private static void PrintTable(StudyReport report, Shared.Configuration.DataConfig data)
    {
        var table = new Table().Title($"Batch Normalization on {data.Name} ({report.TotalSeconds:F0} s in all)");
        foreach (var column in new[] { "variant", "train time", "loss eager", "acc eager", "loss ML.NET", "acc ML.NET", "eager≠ONNX", "study acc" })
            table.AddColumn(column);
        foreach (var v in report.Variants)
        {
            var reference = data.IsStudyDataset ? ReferenceStudy.For(v.Variant) : null;
            table.AddRow(MarkdownReport.Label(v.Variant), MarkdownReport.Seconds(v.TrainingSeconds), $"{v.Eager.Loss:F4}", MarkdownReport.Percent(v.Eager.Accuracy),
                $"{v.OnnxMlNet.Loss:F4}", MarkdownReport.Percent(v.OnnxMlNet.Accuracy), $"{v.Disagreements}/{v.OnnxMlNet.Count}",
                reference is null ? "–" : MarkdownReport.Percent(reference.TestAccuracy));
        }
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine("Test set through the exported ONNX model in ML.NET (BN folded) beside the eager TorchSharp model; study = the reference (Keras) study.");
    }
}
