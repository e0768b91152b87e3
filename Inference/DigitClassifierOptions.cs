// How a DigitClassifier runs: which device, whether CPU fallback is allowed, and whether the
// pictures are dark digits on a light background.
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
}
