// Whether a picture holds any ink at all. A model trained only on digits still answers for an empty
// canvas (LeNet says "1" at 99.9% for a black image), so the prediction carries this flag and the
// caller can tell "no digit" from "a confident digit".
namespace MnistBn.Inference;

/// <summary>Detects pictures without ink: every pixel within a few gray levels of every other.</summary>
internal static class InkCheck
{
    /// <summary>
    /// A picture whose lightest and darkest pixels differ by less than this (of 255) is blank. MNIST
    /// digits span the whole range; a faint pencil stroke still spans far more than this.
    /// </summary>
    public const int MinimumContrast = 24;

    /// <summary>True when <paramref name="pixels"/> (gray, either polarity) carry no visible stroke.</summary>
    public static bool IsBlank(ReadOnlySpan<byte> pixels)
    {
        if (pixels.IsEmpty)
            return true;
        byte min = byte.MaxValue, max = byte.MinValue;
        foreach (var value in pixels)
        {
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }
        return max - min < MinimumContrast;
    }
}
