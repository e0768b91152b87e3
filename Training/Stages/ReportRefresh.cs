// `mnistbn report`: renders the study report and the experiment pages again from their JSON records
// (models/lenet-<variant>.metrics.json, <report>/study.json, <report>/experiments/**/<name>.json),
// without training or evaluating, so a change to a renderer or to how a record states its paths costs
// seconds instead of a study. The records' paths are made portable (RepositoryPaths.Portable) against
// the root they were recorded under: older records held absolute paths of the machine that made them.
// It holds the locks of the directories it rewrites (those that exist; it creates none), so that it
// never renders while `run` or `experiment` writes the records: it would write the previous study's
// report over the new one, which `run` had just written.
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Experiments;
using MnistBn.Training.Report;

namespace MnistBn.Training.Stages;

internal static class ReportRefresh
{
    /// <summary>Rewrites every record found and renders its pages; returns the files written.</summary>
    /// <param name="root">The repository root that the rendered links and paths are relative to.</param>
    /// <param name="recordedRoot">The root the records' absolute paths were written under (often <paramref name="root"/>).</param>
    public static IReadOnlyList<string> Run(PipelineConfig config, string root, string recordedRoot)
    {
        var paths = new StudyPaths(config, root);
        using var locks = DirectoryLock.AcquireAll(new[] { paths.ModelsLock, paths.ReportLock, paths.ExperimentsLock }.Where(d => Directory.Exists(d.Path)));
        var written = new List<string>();
        string Portable(string path) => RepositoryPaths.Portable(recordedRoot, path);

        foreach (var variant in config.Model.Variants.Where(v => File.Exists(paths.Metrics(v))))
        {
            var evaluation = VariantEvaluation.Load(paths.Metrics(variant));
            (evaluation with { Model = Portable(evaluation.Model) }).Save(paths.Metrics(variant));
            written.Add(paths.Metrics(variant));
        }

        if (File.Exists(Path.Combine(paths.ReportDirectory, ReportFiles.Json)))
        {
            var report = ReportWriter.Read(paths.ReportDirectory);
            report = report with
            {
                Command = PortableCommand.Rewrite(report.Command, recordedRoot),
                Variants = [.. report.Variants.Select(v => v with
                {
                    ModelPath = Portable(v.ModelPath),
                    MisclassifiedGridPath = v.MisclassifiedGridPath is null ? null : Portable(v.MisclassifiedGridPath),
                })],
            };
            written.Add(ReportWriter.Write(report, paths.ReportDirectory, root));
        }

        // Every folder the experiment command wrote, including copies of extra runs kept below it.
        var experiments = paths.ExperimentsDirectory;
        if (Directory.Exists(experiments))
        {
            foreach (var directory in Directory.EnumerateDirectories(experiments, "*", SearchOption.AllDirectories).Prepend(experiments).Order(StringComparer.Ordinal))
                written.AddRange(ExperimentSuite.Rerender(directory, h => h with { Command = PortableCommand.Rewrite(h.Command, recordedRoot) }));
        }
        return written;
    }
}
