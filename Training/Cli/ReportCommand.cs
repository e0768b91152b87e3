// `mnistbn report [--recorded-root DIR]`: the study report and the experiment pages rendered again
// from their JSON records, with portable paths; no training, no evaluation, no data needed.
using System.CommandLine;
using MnistBn.Training.Stages;

namespace MnistBn.Training.Cli;

internal static class ReportCommand
{
    private static readonly Option<DirectoryInfo?> RecordedRoot = new("--recorded-root")
    {
        Description = "The repository root the records were written under, when that was another checkout " +
                      "(records made before paths were recorded relative to it hold that checkout's absolute paths). Default: this one.",
    };

    public static Command Create()
    {
        var command = new Command("report",
            "Render reports/README.md, its charts, the experiment pages and their indexes again from the JSON records " +
            "(study.json, <experiment>.json, models/*.metrics.json) without training or evaluating; paths in the records " +
            "are rewritten relative to the repository.")
            .WithCommonOptions();
        command.Options.Add(RecordedRoot);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var (config, root) = CommonOptions.Load(parse);
            var recordedRoot = parse.GetValue(RecordedRoot)?.FullName ?? root;
            foreach (var path in ReportRefresh.Run(config, root, recordedRoot))
                Console.WriteLine($"wrote {Path.GetRelativePath(root, path)}");
            return 0;
        }));
        return command;
    }
}
