// The one place optimizers are made, for the study (Trainer), the experiments and the benchmarks: Adam
// as KernelChoice.cs decides (SinglePassAdam or TorchSharp's optim.Adam); SGD is optim.SGD with
// momentum.
using MnistBn.Shared.Configuration;
using MnistBn.Training.DataParallel;
using MnistBn.Training.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistBn.Training.Loop;

internal static class Optimizers
{
    /// <summary>
    /// <paramref name="optimizer"/> (<c>adam</c> or <c>sgd</c>) over <paramref name="parameters"/>; <paramref name="sgdMomentum"/>
    /// is used by SGD only; Adam's update runs on <paramref name="threads"/> when given (fast kernels).
    /// </summary>
    public static OptimizerHelper Create(IEnumerable<Parameter> parameters, string optimizer, double learningRate,
        double sgdMomentum, double weightDecay, KernelChoice kernels, PartThreads? threads = null) => optimizer switch
    {
        "adam" => kernels.Adam(parameters, learningRate, weightDecay, threads),
        "sgd" => optim.SGD(parameters, learningRate, sgdMomentum, weight_decay: weightDecay),
        _ => throw new ConfigException($"unknown optimizer '{optimizer}' (expected adam or sgd)"),
    };

    /// <summary>The study's optimizer, as <c>training</c> configures it, updating on <paramref name="threads"/> when given.</summary>
    public static OptimizerHelper ForTraining(NetworkModule model, TrainingConfig training, PartThreads? threads = null) =>
        Create(model.parameters(), training.Optimizer, training.LearningRate, training.SgdMomentum, training.WeightDecay, KernelChoices.Of(training), threads);
}
