// A decoded 8-bit grayscale image: the one in-memory form every input (file, stream, encoded bytes,
// raw buffer, IDX row) becomes before it enters the ML.NET pipeline.
using Microsoft.ML.Data;
using MnistBn.Shared;

namespace MnistBn.Inference;

/// <summary>Row-major 8-bit gray pixels of a <see cref="Width"/>×<see cref="Height"/> image.</summary>
public sealed class GrayImage
{
    /// <summary>Wraps <paramref name="pixels"/> (not copied).</summary>
    /// <exception cref="ArgumentException">The buffer length is not width × height.</exception>
    public GrayImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        // long: 65536 × 65536 overflows int and would claim the image "needs 0 pixels".
        if (pixels.Length != (long)width * height)
            throw new ArgumentException($"a {width}×{height} image needs {(long)width * height:N0} pixels, got {pixels.Length:N0}", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Gray values, row after row.</summary>
    public byte[] Pixels { get; }

    /// <summary>A 28×28 image from a raw buffer of exactly <see cref="ModelContract.PixelCount"/> bytes (copied).</summary>
    /// <param name="pixels">Row-major gray bytes.</param>
    /// <param name="source">Names the buffer in the error message.</param>
    /// <exception cref="ArgumentException">The buffer is not 28×28 bytes long (a caller's mistake, not bad image content).</exception>
    public static GrayImage FromRaw(ReadOnlySpan<byte> pixels, string source = "raw pixel buffer")
    {
        if (pixels.Length != ModelContract.PixelCount)
            throw new ArgumentException(
                $"{source}: {pixels.Length} bytes, expected {ModelContract.PixelCount} ({ModelContract.Width}×{ModelContract.Height} gray pixels, row-major)", nameof(pixels));
        return new GrayImage(ModelContract.Width, ModelContract.Height, pixels.ToArray());
    }

    /// <summary>Decodes an encoded picture (PNG, JPEG, BMP, GIF, WebP; any size) into gray, strictly.</summary>
    /// <param name="encoded">The whole encoded file.</param>
    /// <param name="source">Names the input in error messages (a path, or e.g. "upload").</param>
    /// <param name="background">Gray value transparent pixels are composited over (255 for dark-on-light pictures); null
    /// (default) picks white under dark strokes and black under light ones.</param>
    /// <exception cref="InvalidDataException">Empty, not an image, of absurd size, or truncated/corrupt.</exception>
    public static GrayImage Decode(ReadOnlySpan<byte> encoded, string source, byte? background = null) =>
        ImageDecoder.Decode(encoded, source, background);

    /// <summary>Decodes an encoded picture whose digit is <paramref name="polarity"/>: transparent pixels show the matching background.</summary>
    /// <inheritdoc cref="Decode(ReadOnlySpan{byte}, string, byte?)" path="/exception"/>
    public static GrayImage Decode(ReadOnlySpan<byte> encoded, string source, DigitPolarity polarity) =>
        ImageDecoder.Decode(encoded, source, ImageDecoder.Background(polarity));

    /// <summary>
    /// A fresh BGRA <see cref="MLImage"/> with B = G = R = gray (opaque). Fresh every time, because
    /// ML.NET's image transforms dispose the image they consume.
    /// </summary>
    internal MLImage ToMLImage() => ToMLImage(Pixels, Width, Height);

    /// <inheritdoc cref="ToMLImage()"/>
    internal static MLImage ToMLImage(ReadOnlySpan<byte> gray, int width, int height)
    {
        var bgra = new byte[gray.Length * 4];
        for (var i = 0; i < gray.Length; i++)
        {
            var value = gray[i];
            var j = i * 4;
            bgra[j] = value;
            bgra[j + 1] = value;
            bgra[j + 2] = value;
            bgra[j + 3] = byte.MaxValue;
        }
        return MLImage.CreateFromPixels(width, height, MLPixelFormat.Bgra32, bgra);
    }
}
