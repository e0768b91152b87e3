// The study's network for one of its variants, configured as pipeline.yaml says: LeNet as declared in
// Shared/Network/Description/Networks.cs, with model.batch_norm's momentum and epsilon, on
// training.kernels' implementation.
using MnistBn.Network.Description;
using MnistBn.Shared;
using MnistBn.Shared.Configuration;

namespace MnistBn.Training.Model;

/// <summary>Builds the study's LeNet variants.</summary>
public static class StudyModel
{
    /// <summary>The description of the study's LeNet <paramref name="variant"/> (<c>nobn</c> or <c>bn</c>).</summary>
    /// <exception cref="ConfigException">Not one of the study's variants.</exception>
    public static NetworkDescription Describe(string variant, BatchNormConfig batchNorm)
    {
        RequireStudyVariant(variant);
        return Networks.LeNet(variant, new BatchNormSettings(batchNorm.Momentum, batchNorm.Epsilon));
    }

    /// <summary>A freshly initialised module (seed with torch.manual_seed first).</summary>
    public static NetworkModule Create(string variant, PipelineConfig config) =>
        new(Describe(variant, config.Model.BatchNorm), KernelChoices.Of(config.Training));

    /// <summary>Throws a <see cref="ConfigException"/> naming the study's variants for any other name.</summary>
    public static void RequireStudyVariant(string variant)
    {
        if (!VariantNames.Study.Contains(variant))
            throw new ConfigException($"unknown model variant '{variant}' (expected {string.Join(" or ", VariantNames.Study.Select(v => $"'{v}'"))})");
    }
}
