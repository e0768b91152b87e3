// Runs the named experiments (or all four) and writes each one's files, then the index
// <report.directory>/experiments/README.md, which collects the findings of every experiment whose
// JSON is in the folder (so running one experiment refreshes its part of the index).
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MnistBn.Shared.IO;

namespace MnistBn.Training.Experiments;

internal static class ExperimentSuite
{
    /// <summary>The experiments in the order `all` runs them.</summary>
    public static readonly IReadOnlyList<string> Names =
        [LrSweepExperiment.Name, StepsToTargetExperiment.Name, CovariateShiftExperiment.Name, BnPlacementExperiment.Name];

    public const string All = "all";

    private static readonly Dictionary<string, string> Titles = new()
    {
        [LrSweepExperiment.Name] = "1. Learning-rate tolerance",
        [StepsToTargetExperiment.Name] = "2. Steps to a target accuracy",
        [CovariateShiftExperiment.Name] = "3. Internal covariate shift (Figure 1)",
        [BnPlacementExperiment.Name] = "4. BatchNorm placement and momentum",
    };

    /// <summary>Runs <paramref name="which"/> (a name or <c>all</c>); returns the Markdown files written, the index last.</summary>
    public static IReadOnlyList<string> Run(string which, ExperimentContext context)
    {
        var names = which == All ? Names : [which];
        var written = new List<string>();
        var clock = Stopwatch.StartNew();
        foreach (var name in names)
        {
            context.Log($"{name}: starting");
            written.Add(name switch
            {
                LrSweepExperiment.Name => LrSweepExperiment.Write(LrSweepExperiment.Run(context), context.OutputDirectory),
                StepsToTargetExperiment.Name => StepsToTargetExperiment.Write(StepsToTargetExperiment.Run(context), context.OutputDirectory),
                CovariateShiftExperiment.Name => CovariateShiftExperiment.Write(CovariateShiftExperiment.Run(context), context.OutputDirectory),
                BnPlacementExperiment.Name => BnPlacementExperiment.Write(BnPlacementExperiment.Run(context), context.OutputDirectory),
                _ => throw new ArgumentException($"unknown experiment '{name}' (expected {string.Join(", ", Names)} or {All})", nameof(which)),
            });
            context.Log($"{name}: wrote {written[^1]}");
        }
        context.Log($"{string.Join(", ", names)}: {ExperimentFiles.Seconds(clock.Elapsed.TotalSeconds)} in all");
        written.Add(WriteIndex(context.OutputDirectory));
        return written;
    }

    /// <summary>
    /// Renders each experiment page in <paramref name="directory"/> (Markdown and charts) again from its JSON,
    /// its header passed through <paramref name="header"/>, without training; then the index, where there is
    /// one. Returns the Markdown files written.
    /// </summary>
    public static IReadOnlyList<string> Rerender(string directory, Func<ExperimentHeader, ExperimentHeader> header)
    {
        var written = new List<string>();
        foreach (var name in Names.Where(name => File.Exists(ExperimentFiles.JsonPath(directory, name))))
        {
            written.Add(name switch
            {
                LrSweepExperiment.Name => LrSweepExperiment.Write(Restamped<LrSweepReport>(name, r => r.Header, (r, h) => r with { Header = h }), directory),
                StepsToTargetExperiment.Name => StepsToTargetExperiment.Write(Restamped<StepsToTargetReport>(name, r => r.Header, (r, h) => r with { Header = h }), directory),
                CovariateShiftExperiment.Name => CovariateShiftExperiment.Write(Restamped<CovariateShiftReport>(name, r => r.Header, (r, h) => r with { Header = h }), directory),
                BnPlacementExperiment.Name => BnPlacementExperiment.Write(Restamped<BnPlacementReport>(name, r => r.Header, (r, h) => r with { Header = h }), directory),
                _ => throw new InvalidOperationException($"no renderer for experiment '{name}'"),
            });
        }
        if (File.Exists(Path.Combine(directory, ExperimentFiles.Index)))
            written.Add(WriteIndex(directory));
        return written;

        T Restamped<T>(string name, Func<T, ExperimentHeader> of, Func<T, ExperimentHeader, T> with)
        {
            var report = ExperimentFiles.Read<T>(directory, name);
            return with(report, header(of(report)));
        }
    }

    /// <summary>What the index needs from any experiment's JSON.</summary>
    private sealed record IndexEntry(ExperimentHeader Header, IReadOnlyList<string> Findings);

    /// <summary>Rebuilds README.md from the experiment JSONs present in <paramref name="directory"/>.</summary>
    public static string WriteIndex(string directory)
    {
        var entries = Names
            .Where(name => File.Exists(ExperimentFiles.JsonPath(directory, name)))
            .Select(name => (Name: name, Entry: JsonSerializer.Deserialize<IndexEntry>(BoundedFile.ReadAllText(ExperimentFiles.JsonPath(directory, name), ReadLimits.JsonBytes, "an experiment report (JSON)"), ExperimentFiles.Json)!))
            .ToList();
        var md = new StringBuilder();
        md.AppendLine("# Testing the Batch Normalization paper's claims on MNIST").AppendLine();
        md.AppendLine("The reference study compared one learning rate (Adam 0.001, 20 epochs) and concluded that BN did not help on MNIST. " +
                      "The paper (Ioffe & Szegedy, 2015) claims more: faster training, much higher usable learning rates, and stable " +
                      "distributions of the activations' inputs. Each experiment below tests one claim; `mnistbn experiment <name>` " +
                      "reruns it from the `experiments` section of pipeline.yaml, and its page ends with the exact configuration.").AppendLine();
        md.AppendLine("| experiment | produced | run time | command |");
        md.AppendLine("| --- | --- | ---: | --- |");
        foreach (var (name, entry) in entries)
        {
            md.AppendLine($"| [{Titles[name]}]({name}.md) | {entry.Header.CreatedUtc:yyyy-MM-dd HH:mm} UTC | {ExperimentFiles.Seconds(entry.Header.Seconds)} | `{entry.Header.Command}` |");
        }
        md.AppendLine();
        md.AppendLine($"Total run time of the experiments listed: {ExperimentFiles.Seconds(entries.Sum(e => e.Entry.Header.Seconds))}.").AppendLine();
        md.AppendLine("## What the experiments show").AppendLine();
        md.AppendLine("Generated from the experiments' JSON, so every number here is the one in the experiment's page.").AppendLine();
        foreach (var (name, entry) in entries)
        {
            md.AppendLine($"### {Titles[name]}").AppendLine();
            foreach (var finding in entry.Findings)
                md.AppendLine($"- {finding}");
            md.AppendLine();
        }
        if (File.Exists(Path.Combine(directory, NotesFile)))
            md.AppendLine($"Interpretation, written by hand after the run: [{NotesFile}]({NotesFile}).").AppendLine();
        var path = Path.Combine(directory, ExperimentFiles.Index);
        AtomicFile.WriteAllText(path, md.ToString());
        return path;
    }

    /// <summary>A hand-written interpretation the index links when present (never generated).</summary>
    public const string NotesFile = "NOTES.md";
}
