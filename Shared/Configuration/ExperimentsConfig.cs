// The `experiments` section of pipeline.yaml: settings of the four experiments that test the Batch
// Normalization paper's claims on MNIST (learning-rate tolerance, steps to a target accuracy,
// internal covariate shift, BN placement and momentum). Loaded as strictly as the rest of the file.
// Reports go to <report.directory>/experiments/, which the study report links to.
namespace MnistBn.Shared.Configuration;

/// <summary>
/// Settings every experiment shares, and one record per experiment. <c>TestSubset</c>: the first N test
/// images every evaluation uses (0 = all; each experiment names its own <c>TrainSubset</c>); <c>Seed</c>: torch.manual_seed before each model and the shuffling seed,
/// so every run of an experiment starts alike; <c>Threads</c>: torch threads (0 = all cores);
/// <c>SgdMomentum</c>: momentum of every <c>sgd</c> run; <c>BatchNorm</c>: BatchNorm of the experiment
/// models (the placement ablation overrides the momentum).
/// </summary>
public sealed record ExperimentsConfig(
    int TestSubset,
    long Seed,
    int Threads,
    double SgdMomentum,
    BatchNormConfig BatchNorm,
    LrSweepConfig LrSweep,
    StepsToTargetConfig StepsToTarget,
    CovariateShiftConfig CovariateShift,
    BnPlacementConfig BnPlacement)
{
    /// <summary>Networks the experiments can train: the study's LeNet and the paper's 3×100 sigmoid MLP.</summary>
    public static readonly IReadOnlyCollection<string> KnownModels = [LeNetModel, MlpModel];

    /// <summary>experiments.model for the study's LeNet.</summary>
    public const string LeNetModel = "lenet";

    /// <summary>experiments.model for the paper's 3×100 sigmoid MLP.</summary>
    public const string MlpModel = "mlp";

    /// <summary>
    /// Experiment variants: <c>nobn</c>; <c>bn</c> (BatchNorm before each hidden activation, as in the
    /// paper and the study); <c>bn-after</c> (BatchNorm after each hidden activation).
    /// </summary>
    public static readonly IReadOnlyCollection<string> KnownVariants = VariantNames.Experiments;

    /// <summary>Optimizers, as in <c>training.optimizer</c>.</summary>
    public static readonly IReadOnlyCollection<string> KnownOptimizers = ["adam", "sgd"];

    /// <summary>BatchNorm placements the ablation compares.</summary>
    public static readonly IReadOnlyCollection<string> KnownPlacements = ["before", "after"];
}

/// <summary>
/// Every experiment's <c>TrainSubset</c>: the first N training images it trains on (0 = all 60,000).
/// Experiment 1: final test accuracy against learning rate, per optimizer and variant, after
/// <c>Epochs</c> epochs each. Either learning-rate list may be empty, not both.
/// </summary>
public sealed record LrSweepConfig(
    string Model,
    int TrainSubset,
    IReadOnlyList<string> Variants,
    int Epochs,
    int BatchSize,
    IReadOnlyList<double> AdamLearningRates,
    IReadOnlyList<double> SgdLearningRates);

/// <summary>Experiment 2: test accuracy every <c>EvalEverySteps</c> steps; the steps each run needs to reach each target.</summary>
public sealed record StepsToTargetConfig(
    string Model,
    int TrainSubset,
    IReadOnlyList<string> Variants,
    string Optimizer,
    IReadOnlyList<double> LearningRates,
    int BatchSize,
    int Steps,
    int EvalEverySteps,
    IReadOnlyList<double> Targets);

/// <summary>
/// Experiment 3 (the paper's Figure 1): percentiles (fractions in (0, 1), ascending) of the input to the
/// activation of 1-based hidden layer <c>HiddenLayer</c> (LeNet 1–4, MLP 1–3), recorded every
/// <c>RecordEverySteps</c> steps on the first <c>ProbeImages</c> test images; <c>Unit</c> (a channel for
/// conv layers) is the one plotted, drift statistics cover all units.
/// </summary>
public sealed record CovariateShiftConfig(
    string Model,
    int TrainSubset,
    IReadOnlyList<string> Variants,
    string Optimizer,
    double LearningRate,
    int BatchSize,
    int Steps,
    int RecordEverySteps,
    IReadOnlyList<double> Percentiles,
    int HiddenLayer,
    int Unit,
    int ProbeImages);

/// <summary>
/// Experiment 4: BatchNorm before vs after the activation, for each running-statistics momentum;
/// <c>Baseline</c> also trains <c>nobn</c> with the same settings, for reference.
/// </summary>
public sealed record BnPlacementConfig(
    string Model,
    int TrainSubset,
    string Optimizer,
    double LearningRate,
    int Epochs,
    int BatchSize,
    IReadOnlyList<string> Placements,
    IReadOnlyList<double> Momentums,
    bool Baseline);
