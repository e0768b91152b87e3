// The request body every client sends: a 28×28 "7", light on dark, as PNG or as the raw 784 bytes.
using SkiaSharp;

namespace MnistBn.LoadTest;

internal static class Payload
{
    public static (byte[] Body, string ContentType) Create(string kind)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var pen = new SKPaint { Color = SKColors.White, StrokeWidth = 2.5f, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeCap = SKStrokeCap.Round })
        {
            canvas.Clear(SKColors.Black);
            canvas.DrawLine(8, 6, 20, 6, pen);
            canvas.DrawLine(20, 6, 12, 23, pen);
        }
        if (kind == "raw")
        {
            var raw = new byte[28 * 28];
            for (var y = 0; y < 28; y++)
                bitmap.GetPixelSpan().Slice(y * bitmap.RowBytes, 28).CopyTo(raw.AsSpan(y * 28));
            return (raw, "application/octet-stream");
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return (png.ToArray(), "image/png");
    }
}
