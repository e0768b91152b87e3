// Encoded image bytes (PNG, JPEG, BMP, GIF, WebP) → GrayImage, strictly: the size is read from the
// header and refused before any pixel is decoded, and a decode that stops early (truncated or
// corrupt data) is an error rather than a half-black image. Every message names the input.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace MnistBn.Inference;

/// <summary>Decodes encoded images into grayscale, refusing what is not a plausible digit picture.</summary>
internal static class ImageDecoder
{
    /// <summary>Largest accepted width or height; a digit picture larger than this is almost surely not one.</summary>
    public const int MaxSide = 8192;

    /// <summary>Largest accepted pixel count (width × height), bounding the decode buffer at 64 MiB BGRA.</summary>
    public const long MaxPixels = 16L * 1024 * 1024;

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Decodes <paramref name="encoded"/> into gray.</summary>
    /// <param name="encoded">The whole encoded file.</param>
    /// <param name="source">Names the input in error messages (a path, or e.g. "stream").</param>
    /// <param name="background">Gray value transparent pixels are composited over (the picture's background); null picks the
    /// one opposite the visible strokes: white under dark strokes, black under light ones.</param>
    /// <exception cref="InvalidDataException">Empty, not an image, absurd size, or truncated/corrupt data.</exception>
    public static GrayImage Decode(ReadOnlySpan<byte> encoded, string source, byte? background = null)
    {
        if (encoded.IsEmpty)
            throw new InvalidDataException($"{source}: empty (0 bytes), expected an image (PNG, JPEG, BMP, GIF or WebP)");
        // libpng rejects a 0×0 header with a generic failure; read it ourselves to say what is wrong.
        if (encoded.StartsWith(PngSignature) && encoded.Length >= 24)
            CheckSize(BinaryPrimitives.ReadInt32BigEndian(encoded[16..]), BinaryPrimitives.ReadInt32BigEndian(encoded[20..]), source);

        using var stream = new SKMemoryStream(encoded.ToArray());
        using var codec = SKCodec.Create(stream, out var created);
        if (codec is null)
            throw new InvalidDataException($"{source}: not a recognised image (PNG, JPEG, BMP, GIF or WebP); the decoder said {created}");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        CheckSize(width, height, source);

        var info = new SKImageInfo(width, height, SKColorType.Bgra8888, SKAlphaType.Unpremul);
        var bgra = new byte[info.BytesSize];
        var handle = GCHandle.Alloc(bgra, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(info, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }
        if (result != SKCodecResult.Success)
            throw new InvalidDataException($"{source}: image data is truncated or corrupt ({width}×{height}, decoder said {result})");
        return new GrayImage(width, height, ToGray(bgra, background ?? BackgroundFor(bgra)));
    }

    /// <summary>Refuses sizes that are empty or absurd, before decoding allocates anything.</summary>
    private static void CheckSize(long width, long height, string source)
    {
        if (width <= 0 || height <= 0)
            throw new InvalidDataException($"{source}: image is {width}×{height} pixels; width and height must be positive");
        if (width > MaxSide || height > MaxSide)
            throw new InvalidDataException(
                $"{source}: image is {width}×{height} pixels; a side may be at most {MaxSide} pixels; refusing to decode it");
        if (width * height > MaxPixels)
            throw new InvalidDataException(
                $"{source}: image is {width}×{height} = {width * height:N0} pixels, more than the accepted {MaxPixels:N0} " +
                $"(e.g. 4096×4096); refusing to decode it");
    }

    /// <summary>
    /// The background transparent pixels are composited over for pictures read with <paramref name="polarity"/>:
    /// white under dark digits, black under light ones, and for Auto whatever the strokes need (null).
    /// </summary>
    public static byte? Background(DigitPolarity polarity) => polarity switch
    {
        DigitPolarity.DarkOnLight => byte.MaxValue,
        DigitPolarity.LightOnDark => byte.MinValue,
        _ => null,
    };

    // Strokes drawn on a transparent canvas: their alpha-weighted brightness says which background shows
    // them (dark strokes → white, light strokes → black). An opaque picture never reads its background.
    private static byte BackgroundFor(byte[] bgra)
    {
        double weighted = 0, alpha = 0;
        for (var i = 0; i < bgra.Length; i += 4)
        {
            var a = bgra[i + 3];
            weighted += a * (bgra[i] + bgra[i + 1] + bgra[i + 2]) / 3.0;
            alpha += a;
        }
        return alpha > 0 && weighted / alpha < 128 ? byte.MaxValue : byte.MinValue;
    }

    // Gray pictures (R = G = B) keep their value exactly, so a PNG of an MNIST digit scores exactly
    // like its raw bytes. Colour uses Rec. 601 luma. Transparency shows the background.
    private static byte[] ToGray(byte[] bgra, byte background)
    {
        var gray = new byte[bgra.Length / 4];
        for (var i = 0; i < gray.Length; i++)
        {
            int b = bgra[4 * i], g = bgra[4 * i + 1], r = bgra[4 * i + 2], a = bgra[4 * i + 3];
            var value = r == g && g == b ? r : (299 * r + 587 * g + 114 * b + 500) / 1000;
            gray[i] = a == byte.MaxValue ? (byte)value : (byte)((value * a + background * (255 - a) + 127) / 255);
        }
        return gray;
    }
}
