// The experiments' training loop: a fixed number of SGD/Adam steps (Loop/TrainingStep.cs, the study's
// single-thread step) over shuffled mini-batches (no
// augmentation, as in the paper's MNIST experiment), an observer called every k steps, and divergence
// recorded instead of thrown, so that one exploding learning rate never stops a sweep.
// Determinism: torch.manual_seed(seed) before the model; the shuffling generator is seeded by the same
// seed, so every run of an experiment sees the same batches in the same order.
using System.Diagnostics;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Loop;
using MnistBn.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistBn.Training.Experiments;

/// <summary>One training run's settings.</summary>
internal sealed record RunSettings(
    string Model,
    string Variant,
    string Optimizer,
    double LearningRate,
    double SgdMomentum,
    int BatchSize,
    int Steps,
    BatchNormConfig BatchNorm,
    long Seed);

/// <summary>Test metrics after <paramref name="Step"/> training steps (step 0: the initial network).</summary>
internal sealed record EvalPoint(int Step, double TrainLoss, double TestLoss, double TestAccuracy);

/// <summary>How a run ended.</summary>
internal static class RunStatus
{
    /// <summary>Finished with finite losses and above <see cref="StalledAccuracy"/>.</summary>
    public const string Trained = "trained";

    /// <summary>The training or test loss became NaN or infinite; training stopped there.</summary>
    public const string Diverged = "diverged";

    /// <summary>Finite, but the final test accuracy is at most twice chance: the network did not learn.</summary>
    public const string Stalled = "stalled";

    public const double StalledAccuracy = 0.2;
}

/// <summary>The outcome of one run: the evaluations made, and whether (and where) it diverged.</summary>
internal sealed record RunOutcome(
    string Status,
    int StepsDone,
    int? DivergedAtStep,
    IReadOnlyList<EvalPoint> Evaluations,
    double Seconds)
{
    public bool Diverged => Status == RunStatus.Diverged;

    /// <summary>The last evaluation's test accuracy (chance level or NaN for a diverged run).</summary>
    public double FinalTestAccuracy => Evaluations.Count > 0 ? Evaluations[^1].TestAccuracy : double.NaN;

    public double FinalTestLoss => Evaluations.Count > 0 ? Evaluations[^1].TestLoss : double.NaN;
}

internal static class ExperimentTrainer
{
    private const int LossCheckInterval = 10;

    /// <summary>
    /// Trains a fresh model for <c>settings.Steps</c> steps, evaluating on <paramref name="test"/> at
    /// step 0 (when <paramref name="evaluateAtStart"/>), every <paramref name="evalEvery"/> steps and at
    /// the end; <paramref name="observe"/> sees the model (in eval mode, without autograd) at each of those points.
    /// A cancelled <paramref name="cancel"/> stops before the next step with an <see cref="OperationCanceledException"/>.
    /// </summary>
    public static RunOutcome Run(
        RunSettings settings, DataSplit train, DataSplit test, int evalEvery,
        bool evaluateAtStart = false, Action<int, ProbedModel>? observe = null, CancellationToken cancel = default)
    {
        if (train.Count < settings.BatchSize)
            throw new ConfigException($"experiments: batch size {settings.BatchSize} is larger than the {train.Count} training images");
        var clock = Stopwatch.StartNew();
        torch.manual_seed(settings.Seed);
        using var model = ExperimentModels.Create(settings.Model, settings.Variant, settings.BatchNorm);
        using var optimizer = Optimizers.Create(model.Module.parameters(), settings.Optimizer, settings.LearningRate, settings.SgdMomentum,
            weightDecay: 0, KernelChoice.Fast);
        var trainingStep = new TrainingStep(new TrainingBatches(train.Images, train.Labels, augmenter: null));
        using var generator = new Generator(unchecked((ulong)settings.Seed));
        var lossSum = 0.0; // the batch means' sum since the last evaluation
        var evaluations = new List<EvalPoint>();
        var sinceEval = 0;

        bool Observe(int step)
        {
            var trainLoss = sinceEval > 0 ? lossSum / sinceEval : double.NaN;
            lossSum = 0;
            sinceEval = 0;
            var (testLoss, testAccuracy) = ClassifierEvaluation.Evaluate(model.Module, test.Images, test.Labels);
            evaluations.Add(new EvalPoint(step, trainLoss, testLoss, testAccuracy));
            if (observe is not null)
            {
                using var noGrad = no_grad();
                observe(step, model);
            }
            model.Module.train();
            return double.IsFinite(testLoss) && (step == 0 || double.IsFinite(trainLoss));
        }

        if (evaluateAtStart)
            Observe(0);
        model.Module.train();
        Tensor? order = null;
        long position = 0;
        var step = 0;
        int? divergedAt = null;
        try
        {
            while (step < settings.Steps)
            {
                cancel.ThrowIfCancellationRequested(); // between steps: no native work runs, nothing is half-written
                if (order is null || position + settings.BatchSize > train.Count)
                {
                    // A new epoch: reshuffle; the incomplete last batch is dropped (BN needs full batches).
                    order?.Dispose();
                    order = randperm(train.Count, generator: generator);
                    position = 0;
                }
                using (var scope = NewDisposeScope())
                {
                    var (batchLossSum, _) = trainingStep.Run(model.Module, optimizer, order.narrow(0, position, settings.BatchSize), draws: null);
                    lossSum += batchLossSum / settings.BatchSize;
                }
                position += settings.BatchSize;
                step++;
                sinceEval++;
                var evaluateNow = step % evalEvery == 0 || step == settings.Steps;
                if ((step % LossCheckInterval == 0 || evaluateNow) && !double.IsFinite(lossSum))
                {
                    divergedAt = step;
                    Observe(step);
                    break;
                }
                if (evaluateNow && !Observe(step))
                {
                    divergedAt = step;
                    break;
                }
            }
        }
        finally
        {
            order?.Dispose();
        }
        var status = divergedAt is not null ? RunStatus.Diverged
            : evaluations.Count > 0 && evaluations[^1].TestAccuracy <= RunStatus.StalledAccuracy ? RunStatus.Stalled
            : RunStatus.Trained;
        return new RunOutcome(status, step, divergedAt, evaluations, clock.Elapsed.TotalSeconds);
    }
}
