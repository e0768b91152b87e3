// The machine-readable report of one full study run (reports/study.json). The Markdown report is
// rendered from exactly this object, so the two can never disagree.
namespace MnistBn.Training.Report;

/// <summary>Everything the report shows, in one serialisable record.</summary>
internal sealed record StudyReport(
    DateTimeOffset CreatedUtc,
    string Command,
    string ConfigHash,
    string ConfigJson,
    MachineInfo Machine,
    IReadOnlyList<VariantReport> Variants,
    double TotalSeconds);

/// <summary>One variant's results: training, eager and ONNX/ML.NET evaluation, artefact paths.</summary>
/// <param name="Disagreements">Test images where eager and ONNX/ML.NET predictions differ.</param>
internal sealed record VariantReport(
    string Variant,
    double TrainingSeconds,
    IReadOnlyList<EpochReport> History,
    TestMetrics Eager,
    TestMetrics OnnxMlNet,
    int Disagreements,
    int[][] ConfusionMatrix,
    IReadOnlyList<ClassReport> PerClass,
    string ModelPath,
    string? MisclassifiedGridPath,
    IReadOnlyList<MisclassifiedReport> Misclassified);

/// <summary>One misclassified test image, in the order of the grid's tiles.</summary>
internal sealed record MisclassifiedReport(int Index, int TrueLabel, int Predicted);

/// <summary>One epoch of training as the history records it.</summary>
internal sealed record EpochReport(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy, double Seconds);

/// <summary>Test-set loss and accuracy.</summary>
internal sealed record TestMetrics(double Loss, double Accuracy, int Count);

/// <summary>Precision and recall of one digit.</summary>
internal sealed record ClassReport(int Digit, double Precision, double Recall, int Support);

/// <summary>The machine and software that produced a report.</summary>
/// <param name="InstructionSet">The widest SIMD instruction set in use (AVX-512, AVX2, …); null in reports written before it was recorded.</param>
internal sealed record MachineInfo(
    string OperatingSystem,
    string Processor,
    string? InstructionSet,
    int LogicalCores,
    int TrainingThreads,
    string DotNet,
    IReadOnlyDictionary<string, string> Packages);
