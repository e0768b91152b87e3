// How a DigitClassifier runs: which device, whether CPU fallback is allowed, and whether the
// pictures are dark digits on a light background.
using MnistBn.Shared.Configuration;

namespace MnistBn.Inference;

/// <summary>Options of <see cref="DigitClassifier"/>.</summary>
public sealed record DigitClassifierOptions
{
    /// <summary><c>cpu</c> (default), <c>cuda</c> or <c>cuda:&lt;id&gt;</c>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>When CUDA is asked for but unusable: true → warn through <see cref="Log"/> and use the CPU; false → throw <see cref="DeviceUnavailableException"/>.</summary>
    public bool AllowCpuFallback { get; init; } = true;

    /// <summary>True for dark digits on a light background (MNIST digits are light on dark).</summary>
    public bool InvertImages { get; init; }

    /// <summary>Receives warnings (e.g. the CPU fallback); null discards them.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Device and fallback from pipeline.yaml's <c>evaluation</c> section.</summary>
    public static DigitClassifierOptions FromConfig(EvaluationConfig evaluation, Action<string>? log = null) => new()
    {
        Device = evaluation.Device,
        AllowCpuFallback = evaluation.AllowCpuFallback,
        Log = log,
    };
}
