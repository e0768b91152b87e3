namespace MnistBn.Training.Report;

/// <summary>File names inside the report directory.</summary>
internal static class ReportFiles
{
    public const string Markdown = "README.md";
    public const string Json = "study.json";
    public const string AccuracyPlot = "accuracy";
    public const string LossPlot = "loss";
    public const string TestAccuracyPlot = "test-accuracy";
    public const string ExperimentsIndex = $"{Experiments.ExperimentFiles.DirectoryName}/{Experiments.ExperimentFiles.Index}"; // written by `mnistbn experiment`
}
