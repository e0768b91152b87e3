// Where `mnistbn run` keeps each variant's artefacts. models/ holds what users consume (and what is
// committed after a full run); runs/ holds checkpoints and stage stamps (git-ignored). Also the
// directories' locks, so that every command that writes one names it the same way.
using MnistBn.Network.Description;
using MnistBn.Network.Onnx;
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Loop;

namespace MnistBn.Training.Stages;

internal sealed record StudyPaths(PipelineConfig Config, string Root)
{
    public string RunsDirectory => RepositoryPaths.Resolve(Root, Config.Training.OutputDirectory);

    public string ModelsDirectory => RepositoryPaths.Resolve(Root, Config.Export.Directory);

    public string ReportDirectory => RepositoryPaths.Resolve(Root, Config.Report.Directory);

    public string VariantRuns(string variant) => Trainer.VariantDirectory(RunsDirectory, variant);

    public string Checkpoint(string variant) => Path.Combine(VariantRuns(variant), Loop.Checkpoint.FileName);

    public string TrainingHistory(string variant) => Path.Combine(VariantRuns(variant), Loop.TrainingHistory.FileName);

    public string Stamp(string variant, string stage) => Path.Combine(VariantRuns(variant), $"{stage}.stamp.json");

    public string Model(string variant) => Path.Combine(ModelsDirectory, StudyExport.FileName(Networks.LeNetName(variant), foldBatchNorm: true));

    /// <summary>The training history published beside the model.</summary>
    public string PublishedHistory(string variant) => Path.Combine(ModelsDirectory, $"{Networks.LeNetName(variant)}.history.json");

    /// <summary>Eager and ONNX/ML.NET test metrics published beside the model.</summary>
    public string Metrics(string variant) => Path.Combine(ModelsDirectory, $"{Networks.LeNetName(variant)}.metrics.json");

    public string MisclassifiedGrid(string variant) => Path.Combine(ReportDirectory, $"misclassified-{variant}.png");

    /// <summary>Where the experiment pages go (below the report directory).</summary>
    public string ExperimentsDirectory => Path.Combine(ReportDirectory, Experiments.ExperimentFiles.DirectoryName);

    // The directories commands write into, as DirectoryLock takes them: one writer at a time each.

    public LockedDirectory VariantRunsLock(string variant) => new(VariantRuns(variant), "run directory", "training.output_directory");

    public LockedDirectory ModelsLock => new(ModelsDirectory, "model directory", "export.directory");

    public LockedDirectory ReportLock => new(ReportDirectory, "report directory", "report.directory");

    public LockedDirectory ExperimentsLock => new(ExperimentsDirectory, "experiments directory", "report.directory");
}
