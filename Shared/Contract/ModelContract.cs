// The one description of the model's interface. The exporter writes it into the ONNX file; the
// ML.NET pipeline and the input/output classes read it. Nothing else spells these names or numbers.
namespace MnistBn.Shared;

/// <summary>Tensor names, input shape, pixel scaling and class labels shared by export and inference.</summary>
public static class ModelContract
{
    /// <summary>Input tensor: float[N, 1, 28, 28], N symbolic.</summary>
    public const string InputName = "input";

    /// <summary>Output tensor: float[N, 10], raw scores before softmax.</summary>
    public const string LogitsName = "logits";

    /// <summary>Output tensor: float[N, 10], softmax of the logits.</summary>
    public const string ProbabilitiesName = "probabilities";

    /// <summary>The symbolic batch dimension's name in the ONNX graph.</summary>
    public const string BatchDimension = "batch";

    /// <summary>Input channels (grayscale).</summary>
    public const int Channels = 1;

    /// <summary>Input height in pixels.</summary>
    public const int Height = 28;

    /// <summary>Input width in pixels.</summary>
    public const int Width = 28;

    /// <summary>Pixels per image.</summary>
    public const int PixelCount = Channels * Height * Width;

    /// <summary>Number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>
    /// Input scaling: value = (pixel − <see cref="PixelOffset"/>) × <see cref="PixelScale"/>, pixel a byte
    /// with light digits on a dark background (MNIST's convention). This maps bytes to [0, 1].
    /// </summary>
    public const float PixelOffset = 0f;

    /// <inheritdoc cref="PixelOffset"/>
    public const float PixelScale = 1f / 255f;

    /// <summary>Class labels in output order.</summary>
    public static readonly IReadOnlyList<string> ClassLabels = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Scales one raw byte pixel exactly as training and inference do.</summary>
    public static float ScalePixel(byte pixel) => (pixel - PixelOffset) * PixelScale;

    /// <summary>Shape of the input with a concrete batch size.</summary>
    public static long[] InputShape(long batch) => [batch, Channels, Height, Width];
}
