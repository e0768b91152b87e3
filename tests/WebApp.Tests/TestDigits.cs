// Picture bodies for the tests: deterministic pixel patterns (a stroke plus noise) as raw bytes,
// PNG and JPEG, and deliberately broken files.
using System.Net.Http.Headers;
using MnistBn.Shared;
using SkiaSharp;

namespace MnistBn.WebApp.Tests;

internal static class TestDigits
{
    /// <summary>A vertical stroke with some noise, light on dark, 28×28.</summary>
    public static byte[] Pixels(int seed = 1)
    {
        var random = new Random(seed);
        var pixels = new byte[ModelContract.PixelCount];
        for (var y = 4; y < 24; y++)
            for (var x = 12 + seed % 4; x < 16 + seed % 4; x++)
                pixels[y * ModelContract.Width + x] = (byte)random.Next(180, 256);
        for (var i = 0; i < pixels.Length; i += 7)
            pixels[i] = (byte)Math.Max(pixels[i], random.Next(0, 60));
        return pixels;
    }

    public static byte[] Png(byte[] pixels) => Encode(pixels, SKEncodedImageFormat.Png, 100);

    public static byte[] Jpeg(byte[] pixels) => Encode(pixels, SKEncodedImageFormat.Jpeg, 95);

    public static ByteArrayContent Body(byte[] bytes, string? contentType)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null)
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static byte[] Encode(byte[] pixels, SKEncodedImageFormat format, int quality)
    {
        var width = ModelContract.Width;
        using var bitmap = new SKBitmap(new SKImageInfo(width, ModelContract.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var i = 0; i < pixels.Length; i++)
            bitmap.SetPixel(i % width, i / width, new SKColor(pixels[i], pixels[i], pixels[i]));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }
}
