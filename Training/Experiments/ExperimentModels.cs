// Builds the networks the experiments train from their config names: model `lenet` (the study's
// LeNet, via PlacedBnLeNet) or `mlp` (the paper's 3×100 sigmoid MLP), variant `nobn`, `bn` (BN before
// each hidden activation) or `bn-after`.
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Training.Model;
using static TorchSharp.torch;

namespace MnistBn.Training.Experiments;

/// <summary>A trainable classifier that can also report its hidden pre-activations.</summary>
internal sealed record ProbedModel(nn.Module<Tensor, Tensor> Module, IPreActivationProbe Probe) : IDisposable
{
    public void Dispose() => Module.Dispose();
}

internal static class ExperimentModels
{
    /// <summary>The placement a variant name stands for.</summary>
    public static BnPlacement Placement(string variant) => variant switch
    {
        VariantNames.NoBatchNorm => BnPlacement.None,
        VariantNames.BatchNorm => BnPlacement.Before,
        VariantNames.BatchNormAfter => BnPlacement.After,
        _ => throw new ConfigException($"unknown experiment variant '{variant}' (expected {string.Join(", ", ExperimentsConfig.KnownVariants)})"),
    };

    /// <summary>The variant name of a placement (inverse of <see cref="Placement"/>).</summary>
    public static string Variant(BnPlacement placement) => placement switch
    {
        BnPlacement.Before => VariantNames.BatchNorm,
        BnPlacement.After => VariantNames.BatchNormAfter,
        _ => VariantNames.NoBatchNorm,
    };

    /// <summary>A freshly initialised network (call torch.manual_seed first for reproducibility).</summary>
    public static ProbedModel Create(string model, string variant, BatchNormConfig batchNorm)
    {
        var placement = Placement(variant);
        return model switch
        {
            "lenet" => Probed(new PlacedBnLeNet($"lenet-{variant}", placement, batchNorm)),
            "mlp" => Probed(new PaperMlp($"mlp-{variant}", placement, batchNorm)),
            _ => throw new ConfigException($"unknown experiment model '{model}' (expected {string.Join(", ", ExperimentsConfig.KnownModels)})"),
        };
    }

    private static ProbedModel Probed<T>(T module) where T : nn.Module<Tensor, Tensor>, IPreActivationProbe => new(module, module);

    /// <summary>A human label, e.g. "BN before ReLU".</summary>
    public static string Label(string model, string variant)
    {
        var activation = model == "mlp" ? "sigmoid" : "ReLU";
        return Placement(variant) switch
        {
            BnPlacement.Before => $"BN before {activation}",
            BnPlacement.After => $"BN after {activation}",
            _ => "no BN",
        };
    }
}
