// The one place optimizers are made, for the study (Trainer), the experiments and the benchmarks:
// Adam is SinglePassAdam on the fast kernels (one vectorised pass per parameter, pinned to optim.Adam by
// tests) and TorchSharp's own optim.Adam on the reference path; SGD is optim.SGD with momentum.
using MnistBn.Shared.Configuration;
using MnistBn.Training.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.Training.Loop;

internal static class Optimizers
{
    /// <summary>
    /// <paramref name="optimizer"/> (<c>adam</c> or <c>sgd</c>) over <paramref name="parameters"/>; <paramref name="sgdMomentum"/>
    /// is used by SGD only.
    /// </summary>
    public static OptimizerHelper Create(IEnumerable<Parameter> parameters, string optimizer, double learningRate,
        double sgdMomentum, double weightDecay, KernelChoice kernels) => (optimizer, kernels) switch
    {
        ("adam", KernelChoice.Fast) => new SinglePassAdam(parameters, learningRate, weightDecay: weightDecay),
        ("adam", KernelChoice.Reference) => optim.Adam(parameters, learningRate, weight_decay: weightDecay),
        ("sgd", _) => optim.SGD(parameters, learningRate, sgdMomentum, weight_decay: weightDecay),
        _ => throw new ConfigException($"unknown optimizer '{optimizer}' (expected adam or sgd)"),
    };

    /// <summary>The study's optimizer, as <c>training</c> configures it.</summary>
    public static OptimizerHelper ForTraining(NetworkModule model, TrainingConfig training) =>
        Create(model.parameters(), training.Optimizer, training.LearningRate, training.SgdMomentum, training.WeightDecay, KernelChoices.Of(training));
}
