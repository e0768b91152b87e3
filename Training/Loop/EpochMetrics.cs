// What one epoch produced: the numbers the history file, the progress line and the report read.
namespace MnistBn.Training.Loop;

/// <summary>Metrics of one finished epoch (1-based <paramref name="Epoch"/>).</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean cross-entropy over the epoch's training batches (training mode, augmented when enabled).</param>
/// <param name="TrainAccuracy">Fraction of training images classified correctly during the epoch.</param>
/// <param name="TestLoss">Mean cross-entropy on the test split in eval mode.</param>
/// <param name="TestAccuracy">Fraction of test images classified correctly in eval mode.</param>
/// <param name="TrainSeconds">Wall time of the training pass (augmentation, forward, backward, step).</param>
/// <param name="EvalSeconds">Wall time of the test evaluation.</param>
/// <param name="TrainImagesPerSecond">Training images per second of <paramref name="TrainSeconds"/>.</param>
public sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double TestLoss,
    double TestAccuracy,
    double TrainSeconds,
    double EvalSeconds,
    double TrainImagesPerSecond);

/// <summary>Receives progress while a variant trains (the CLI draws it; tests ignore it).</summary>
public interface ITrainingProgress
{
    /// <summary>Training of <paramref name="variant"/> starts at 0-based <paramref name="firstEpoch"/>.</summary>
    void Started(string variant, int firstEpoch, int epochs, int batchesPerEpoch);

    /// <summary>A training batch finished (1-based within the epoch).</summary>
    void Batch(string variant, int epoch, int batch);

    /// <summary>An epoch finished and its checkpoint is written.</summary>
    void Epoch(string variant, EpochMetrics metrics);
}

/// <summary>Ignores all progress.</summary>
public sealed class NoProgress : ITrainingProgress
{
    /// <summary>The shared instance.</summary>
    public static readonly NoProgress Instance = new();

    /// <inheritdoc/>
    public void Started(string variant, int firstEpoch, int epochs, int batchesPerEpoch) { }

    /// <inheritdoc/>
    public void Batch(string variant, int epoch, int batch) { }

    /// <inheritdoc/>
    public void Epoch(string variant, EpochMetrics metrics) { }
}
