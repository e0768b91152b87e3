// Which way round a picture's digit is: MNIST's light strokes on a dark background, or the dark
// strokes on white paper most photos and scans show. Read the wrong way round, a LeNet trained on
// MNIST answers confidently and wrongly, so the default is to look.
namespace MnistBn.Inference;

/// <summary>How a <see cref="DigitClassifier"/> reads a picture's polarity.</summary>
public enum DigitPolarity
{
    /// <summary>Decide per picture from its border: a light border means a dark digit on a light background (the default).</summary>
    Auto,

    /// <summary>Light digit on a dark background, as MNIST: never invert.</summary>
    LightOnDark,

    /// <summary>Dark digit on a light background: always invert.</summary>
    DarkOnLight,
}
