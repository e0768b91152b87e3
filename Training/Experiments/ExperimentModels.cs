// Builds the networks the experiments train from their config names: model `lenet` (the study's
// LeNet) or `mlp` (the paper's 3×100 sigmoid MLP), variant `nobn`, `bn` (BN before
// each hidden activation) or `bn-after`.
using MnistBn.Network.Description;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Model;
using static TorchSharp.torch;

namespace MnistBn.Training.Experiments;

/// <summary>A trainable classifier that can also report its hidden pre-activations.</summary>
internal sealed record ProbedModel(NetworkModule Module) : IDisposable
{
    /// <summary>The module, as the experiments read its hidden pre-activations.</summary>
    public IPreActivationProbe Probe => Module;

    public void Dispose() => Module.Dispose();
}

internal static class ExperimentModels
{
    /// <summary>The placement a variant name stands for.</summary>
    public static BnPlacement Placement(string variant) =>
        ExperimentsConfig.KnownVariants.Contains(variant)
            ? Networks.Placement(variant)
            : throw new ConfigException($"unknown experiment variant '{variant}' (expected {string.Join(", ", ExperimentsConfig.KnownVariants)})");

    /// <summary>The description of experiment model <paramref name="model"/> in <paramref name="variant"/>.</summary>
    public static NetworkDescription Describe(string model, string variant, BatchNormConfig batchNorm)
    {
        var placement = Placement(variant);
        var settings = new BatchNormSettings(batchNorm.Momentum, batchNorm.Epsilon);
        return model switch
        {
            ExperimentsConfig.LeNetModel => Networks.LeNet(placement, settings),
            ExperimentsConfig.MlpModel => Networks.PaperMlp(placement, settings),
            _ => throw new ConfigException($"unknown experiment model '{model}' (expected {string.Join(", ", ExperimentsConfig.KnownModels)})"),
        };
    }

    /// <summary>A freshly initialised network on the fast kernels (call torch.manual_seed first for reproducibility).</summary>
    public static ProbedModel Create(string model, string variant, BatchNormConfig batchNorm)
    {
        return new ProbedModel(new NetworkModule(Describe(model, variant, batchNorm), KernelChoice.Fast));
    }

    /// <summary>A human label, e.g. "BN before ReLU".</summary>
    public static string Label(string model, string variant)
    {
        var activation = model == ExperimentsConfig.MlpModel ? "sigmoid" : "ReLU";
        return Placement(variant) switch
        {
            BnPlacement.Before => $"BN before {activation}",
            BnPlacement.After => $"BN after {activation}",
            _ => "no BN",
        };
    }
}
