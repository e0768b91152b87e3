// The training loop of the study: one variant at a time, Adam or SGD with momentum, cross-entropy on
// logits, optional batch augmentation, a test evaluation, a checkpoint and a history entry per epoch,
// and exact resume. Determinism: the model is initialised after torch.manual_seed(seed); epoch e
// shuffles and augments from its own generator seeded by (seed, e); each batch is one TrainingStep, or
// on the fast kernels with `training.threads` > 1 (`mnistbn run`'s default: every core) a
// SplitBatchStep over that many threads with one TorchSharp thread each; with the same thread count the
// kernels and the order of every sum are fixed, so the same config gives the same metrics, and a
// resumed run the same as an uninterrupted one. Only finished, finite epochs are saved: a cancellation
// (Ctrl-C) stops between batches and a non-finite loss stops the run, both leaving the last completed
// epoch's checkpoint as it was; a training set that cannot fill one batch is refused before anything
// trains.
using System.Diagnostics;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Data;
using MnistBn.Training.DataParallel;
using MnistBn.Training.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistBn.Training.Loop;

/// <summary>A run that produced a non-finite loss; the last good checkpoint is kept.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);

/// <summary>Trains LeNet variants on tensors prepared once.</summary>
public sealed class Trainer
{
    // A part of a batch should keep enough images for LibTorch's kernels to work efficiently.
    private const int MinimumImagesPerThread = 16;

    private readonly PipelineConfig _config;
    private readonly MnistTensors _train;
    private readonly MnistTensors _test;
    private readonly Augmenter _augmenter;
    private readonly Action<string> _log;

    /// <summary>
    /// Takes the thread count from the config (0 = all cores, at most one per 16 images of a batch). On the fast
    /// kernels TorchSharp gets one intra-op thread each: the parallelism is the split batch (SplitBatchStep).
    /// The reference path does not split the batch; LibTorch's own ops use the threads instead.
    /// </summary>
    /// <exception cref="InvalidDataException">The training set cannot give one batch of two images, or the test set is empty.</exception>
    public Trainer(PipelineConfig config, MnistTensors train, MnistTensors test, Action<string> log)
    {
        _config = config;
        _train = train;
        _test = test;
        _log = log;
        RequireTrainableData();
        _augmenter = new Augmenter(config.Training.Augmentation);
        Kernels = KernelChoices.Of(config.Training);
        var threads = TrainingThreads(config.Training);
        (Threads, var libTorchThreads) = Kernels.Threads(threads);
        torch.set_num_threads(libTorchThreads);
        if (Kernels == KernelChoice.Reference)
            log($"reference kernels: plain TorchSharp ops, the batch is not split; LibTorch runs its ops on {threads} thread(s)");
    }

    /// <summary>The implementation the layers run on (<c>training.kernels</c>).</summary>
    public KernelChoice Kernels { get; }

    /// <summary>A configured thread count, where 0 means every core.</summary>
    public static int ResolveThreads(int configured) => configured > 0 ? configured : Environment.ProcessorCount;

    /// <summary>
    /// The threads a batch is split over: <c>training.threads</c> resolved, at most one per core (the threads
    /// spin for each other at every BatchNorm layer, which only pays with a core each) and one per 16 images.
    /// </summary>
    public static int TrainingThreads(TrainingConfig training) =>
        Math.Clamp(ResolveThreads(training.Threads), 1, Math.Max(1, Math.Min(Environment.ProcessorCount, training.BatchSize / MinimumImagesPerThread)));

    /// <summary>Threads that train each batch together (one TorchSharp thread each); 1 on the reference path.</summary>
    public int Threads { get; }

    /// <summary>Where a variant's checkpoint and history go.</summary>
    public static string VariantDirectory(string outputDirectory, string variant) => Path.Combine(outputDirectory, variant);

    /// <summary>
    /// Trains <paramref name="variant"/> up to <c>training.epochs</c>, writing a checkpoint and the
    /// history after every epoch; with <paramref name="resume"/> continues from the checkpoint.
    /// Returns the trained model (caller disposes) and the full history. A cancelled <paramref name="cancel"/>
    /// stops before the next batch with an <see cref="OperationCanceledException"/>; the epoch under way is not saved.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A loss became NaN or infinite.</exception>
    public (NetworkModule Model, TrainingHistory History) Run(
        string variant, string outputDirectory, bool resume, ITrainingProgress progress, CancellationToken cancel = default)
    {
        var training = _config.Training;
        var directory = VariantDirectory(outputDirectory, variant);
        var checkpointPath = Path.Combine(directory, Checkpoint.FileName);
        var configJson = PipelineConfigJson.Serialize(_config);
        var configHash = PipelineConfigJson.Hash(_config);

        torch.manual_seed(training.Seed);
        var model = StudyModel.Create(variant, _config);
        using var threads = Threads > 1 ? new PartThreads(Threads) : null;
        var optimizer = Optimizers.ForTraining(model, _config.Training, threads);
        var step = CreateStep(threads, new TrainingBatches(_train, _augmenter));
        var history = new List<EpochMetrics>();
        if (resume && File.Exists(checkpointPath))
        {
            // One read: the header checked is the one whose state is restored.
            var checkpoint = Checkpoint.ReadOnce(checkpointPath);
            RequireResumableConfig(checkpointPath, checkpoint.Header.Config);
            var header = checkpoint.Restore(variant, model, optimizer);
            history.AddRange(header.History.Take(header.EpochsCompleted));
            _log($"{variant}: resuming after epoch {header.EpochsCompleted} from {checkpointPath}");
        }
        else if (resume)
        {
            _log($"{variant}: no checkpoint at {checkpointPath}; starting from scratch");
        }

        var batchSize = training.BatchSize;
        var batches = (int)((_train.Count + batchSize - 1) / batchSize);
        progress.Started(variant, history.Count, training.Epochs, batches);
        for (var epoch = history.Count; epoch < training.Epochs; epoch++)
        {
            SetLearningRate(optimizer, LearningRate(training, epoch));
            var (trainLoss, trainAccuracy, trainSeconds) = TrainEpoch(model, optimizer, step, variant, epoch, history.Count, checkpointPath, progress, cancel);
            var evalClock = Stopwatch.StartNew();
            var (testLoss, testAccuracy) = ClassifierEvaluation.Evaluate(model, _test.Images, _test.Labels, threads: threads);
            var metrics = new EpochMetrics(epoch + 1, trainLoss, trainAccuracy, testLoss, testAccuracy,
                trainSeconds, evalClock.Elapsed.TotalSeconds, _train.Count / trainSeconds);
            // Every metric of the epoch, so that no NaN is ever saved or shown as a finished epoch.
            if (!double.IsFinite(trainLoss) || !double.IsFinite(trainAccuracy))
                throw Diverged(variant, epoch, batch: null, "training loss", trainLoss, history.Count, checkpointPath);
            if (!double.IsFinite(testLoss) || !double.IsFinite(testAccuracy))
                throw Diverged(variant, epoch, batch: null, "test loss", testLoss, history.Count, checkpointPath);
            history.Add(metrics);
            Checkpoint.Save(checkpointPath, new CheckpointHeader(Checkpoint.FormatName, variant, epoch + 1, configJson, history), model, optimizer);
            new TrainingHistory(variant, configHash, Threads, history).Save(Path.Combine(directory, TrainingHistory.FileName));
            progress.Epoch(variant, metrics);
        }
        model.eval();
        return (model, new TrainingHistory(variant, configHash, Threads, history));
    }

    /// <summary>The whole batch on one thread (<paramref name="threads"/> null), or split over <paramref name="threads"/>.</summary>
    internal static IBatchStep CreateStep(PartThreads? threads, IBatchSource batches) =>
        threads is null ? new TrainingStep(batches) : new SplitBatchStep(threads, batches);

    private (double Loss, double Accuracy, double Seconds) TrainEpoch(NetworkModule model, OptimizerHelper optimizer, IBatchStep step,
        string variant, int epoch, int epochsSaved, string checkpointPath, ITrainingProgress progress, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var batchSize = _config.Training.BatchSize;
        model.train();
        using var generator = new Generator(EpochSeed(_config.Training.Seed, epoch));
        using var order = randperm(_train.Count, generator: generator);
        double lossSum = 0;
        long correct = 0, seen = 0;
        var batch = 0;
        for (long start = 0; start < _train.Count; start += batchSize)
        {
            var size = Math.Min(batchSize, _train.Count - start);
            if (size < 2)
                break; // training-mode BatchNorm needs two samples; at most one image is skipped
            // The safe point: between batches no other thread runs native code, and the epoch is not saved.
            cancel.ThrowIfCancellationRequested();
            using (var scope = NewDisposeScope())
            {
                var indices = order.narrow(0, start, size);
                // Drawn here for the whole batch, so the random stream does not depend on the thread count.
                var draws = _augmenter.Enabled ? Augmenter.RandomDraws(size, generator) : null;
                var (batchLoss, batchCorrect) = step.Run(model, optimizer, indices, draws);
                (lossSum, correct) = (lossSum + batchLoss, correct + batchCorrect);
            }
            seen += size;
            batch++;
            if (!double.IsFinite(lossSum))
                throw Diverged(variant, epoch, batch, "training loss", lossSum, epochsSaved, checkpointPath);
            progress.Batch(variant, epoch, batch);
        }
        return (lossSum / seen, (double)correct / seen, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The learning rate of 0-based <paramref name="epoch"/>: exponential decay per epoch. It depends on
    /// the epoch alone (not on the total), so a resumed or extended run continues the same schedule.
    /// </summary>
    public static double LearningRate(TrainingConfig training, int epoch) =>
        training.LearningRate * Math.Pow(training.LearningRateDecay, epoch);

    private static void SetLearningRate(OptimizerHelper optimizer, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups)
            group.LearningRate = learningRate;
    }

    /// <summary>
    /// Everything but the epoch count must match (resuming may extend a run, not change it): the keys other
    /// than <c>training.epochs</c> in which <paramref name="current"/> differs from the checkpoint's config;
    /// empty when the run may resume.
    /// </summary>
    public static IReadOnlyList<ConfigDifference> ResumeBlockers(PipelineConfig saved, PipelineConfig current) =>
        [.. ConfigDifferences.Between(saved, current).Where(d => d.Path != "training.epochs")];

    private void RequireResumableConfig(string path, PipelineConfig saved)
    {
        var blockers = ResumeBlockers(saved, _config);
        if (blockers.Count > 0)
            throw new ConfigException(
                $"{path}: the checkpoint was trained with a different configuration: {string.Join(", ", blockers)}; " +
                "only training.epochs may change on --resume; train without --resume to start over");
    }

    private static ulong EpochSeed(long seed, int epoch) => unchecked((ulong)seed * 1_000_003UL + (ulong)epoch + 1);

    /// <summary>
    /// Refuses data that cannot train (no batch of two images ever forms: BatchNorm's batch statistics need two,
    /// and the loop skips a last batch of one) or test (no test image: every test metric would be NaN) before
    /// anything trains, naming the setting at fault; otherwise an epoch would end with NaN metrics and be saved.
    /// </summary>
    private void RequireTrainableData()
    {
        var training = _config.Training;
        if (_train.Count < 2)
            throw new InvalidDataException(
                $"the training set holds {_train.Count} image(s) (training.train_subset = {training.TrainSubset}), but a training batch needs at least 2; " +
                "set training.train_subset to 2 or more (0 = all images)");
        if (training.BatchSize < 2)
            throw new InvalidDataException(
                "training.batch_size = 1: every batch holds one image, which training skips (BatchNorm's batch statistics need at least 2); set it to 2 or more");
        if (_test.Count == 0)
            throw new InvalidDataException(
                $"the test set holds no image (training.test_subset = {training.TestSubset}); every test metric would be NaN");
    }

    // epoch: 0-based; batch: 1-based (the batches done), null for the epoch's end.
    private static TrainingDivergedException Diverged(string variant, int epoch, int? batch, string what, double value, int epochsSaved, string checkpoint)
    {
        var where = batch is int b ? $"batch {b} of epoch {epoch + 1}" : $"epoch {epoch + 1}";
        var kept = epochsSaved > 0 ? $"the checkpoint of epoch {epochsSaved} ({checkpoint}) is kept"
            : File.Exists(checkpoint) ? $"{checkpoint} (from an earlier run) is left as it was"
            : "no checkpoint was written";
        return new($"{variant}: the {what} became {value} in {where}; training stopped and epoch {epoch + 1} was not saved; {kept}. " +
                   "Likely cause: the learning rate is too high for this model and optimizer (try a lower training.learning_rate), " +
                   "or the training data holds images or labels that are not MNIST's.");
    }
}
