// How a DigitClassifier runs: which device, whether CPU fallback is allowed, and which way round
// the pictures' digits are (found per picture by default).
namespace MnistBn.Inference;

/// <summary>Options of <see cref="DigitClassifier"/>.</summary>
public sealed record DigitClassifierOptions
{
    /// <summary><c>cpu</c> (default), <c>cuda</c> or <c>cuda:&lt;id&gt;</c>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>When CUDA is asked for but unusable: true → warn through <see cref="Log"/> and use the CPU; false → throw <see cref="DeviceUnavailableException"/>.</summary>
    public bool AllowCpuFallback { get; init; } = true;

    /// <summary>
    /// Which way round the digits are: <see cref="DigitPolarity.Auto"/> (default) decides per picture from its
    /// border; the others force it. The ML.NET estimator (<see cref="DigitScoringCatalog.ScoreDigits"/>) scores
    /// its image column as given unless this is <see cref="DigitPolarity.DarkOnLight"/>.
    /// </summary>
    public DigitPolarity Polarity { get; init; } = DigitPolarity.Auto;

    /// <summary>Receives warnings (e.g. the CPU fallback); null discards them.</summary>
    public Action<string>? Log { get; init; }
}
