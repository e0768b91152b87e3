// The text names of DigitPolarity that command lines and query strings use (auto, light-on-dark,
// dark-on-light), so that every app spells them alike and the CLI and the web app cannot drift.
namespace MnistBn.Inference;

/// <summary>Parses and lists the names of <see cref="DigitPolarity"/>.</summary>
public static class DigitPolarityNames
{
    private static readonly Dictionary<string, DigitPolarity> ByName = new(StringComparer.Ordinal)
    {
        ["auto"] = DigitPolarity.Auto,
        ["light-on-dark"] = DigitPolarity.LightOnDark,
        ["dark-on-light"] = DigitPolarity.DarkOnLight,
    };

    /// <summary>The names, <c>auto</c> first.</summary>
    public static IReadOnlyList<string> All { get; } = [.. ByName.Keys];

    /// <summary>The polarity named <paramref name="name"/>; false for any other text.</summary>
    public static bool TryParse(string? name, out DigitPolarity polarity) => ByName.TryGetValue(name ?? "", out polarity);
}
