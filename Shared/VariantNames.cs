// The model variants' names, in one place: pipeline.yaml, checkpoints, model files, reports, the
// experiments and the web app all spell them through these constants.
namespace MnistBn.Shared;

/// <summary>Names of the model variants.</summary>
public static class VariantNames
{
    /// <summary>No BatchNorm, biases everywhere.</summary>
    public const string NoBatchNorm = "nobn";

    /// <summary>BatchNorm before every hidden activation (the paper's and the study's placement).</summary>
    public const string BatchNorm = "bn";

    /// <summary>BatchNorm after every hidden activation (experiments only).</summary>
    public const string BatchNormAfter = "bn-after";

    /// <summary>The variants the study trains (pipeline.yaml's <c>model.variants</c>).</summary>
    public static readonly IReadOnlyCollection<string> Study = [NoBatchNorm, BatchNorm];

    /// <summary>The variants the experiments know.</summary>
    public static readonly IReadOnlyCollection<string> Experiments = [NoBatchNorm, BatchNorm, BatchNormAfter];
}
