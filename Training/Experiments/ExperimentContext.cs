// What every experiment receives and records: the data (train/test subsets as tensors), the shared
// settings, the command line that ran it, and where its report files go.
using MnistBn.Shared.Configuration;
using MnistBn.Training.Data;
using static TorchSharp.torch;

namespace MnistBn.Training.Experiments;

/// <summary>Settings shared by all experiments, as recorded in each experiment's JSON.</summary>
internal sealed record SharedSettings(int TestSubset, long Seed, int Threads, double SgdMomentum, BatchNormConfig BatchNorm)
{
    public static SharedSettings From(ExperimentsConfig config) =>
        new(config.TestSubset, config.Seed, config.Threads, config.SgdMomentum, config.BatchNorm);
}

/// <summary>Images float[N, 1, 28, 28] and labels int64[N] of one split (views; the owner disposes the tensors).</summary>
internal sealed record DataSplit(Tensor Images, Tensor Labels)
{
    public long Count => Labels.shape[0];

    public static DataSplit Of(MnistTensors tensors) => new(tensors.Images, tensors.Labels);

    /// <summary>The first <paramref name="subset"/> images (0 or more than there are = all), without copying.</summary>
    public DataSplit Take(int subset) =>
        subset <= 0 || subset >= Count ? this : new(Images.narrow(0, 0, subset), Labels.narrow(0, 0, subset));
}

/// <summary>The exact configuration that produced one experiment: the shared settings and the experiment's own section.</summary>
internal sealed record ExperimentConfigEcho<T>(SharedSettings Shared, T Experiment);

/// <summary>Everything one experiment needs to run and report; <c>Cancel</c> stops its training between steps (Ctrl-C).</summary>
internal sealed record ExperimentContext(
    ExperimentsConfig Config,
    DataSplit Train,
    DataSplit Test,
    string OutputDirectory,
    string Command,
    Action<string> Log,
    CancellationToken Cancel = default)
{
    public SharedSettings Shared => SharedSettings.From(Config);
}

/// <summary>When and how an experiment ran, and on how much data.</summary>
internal sealed record ExperimentHeader(
    string Experiment,
    DateTimeOffset CreatedUtc,
    string Command,
    double Seconds,
    long TrainImages,
    long TestImages,
    int TorchThreads,
    string Machine);
