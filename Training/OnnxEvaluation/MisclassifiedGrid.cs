// A small PNG contact sheet of misclassified digits, drawn with SkiaSharp (the 3.x line ML.NET
// ImageAnalytics 6 brings; nearest-neighbour scaling, so each digit pixel becomes a 2×2 block). Tiles
// run left to right, top to bottom, in the order given — the report's misclassified list says which
// tile is which.
using MnistBn.Inference;
using MnistBn.Shared.IO;
using SkiaSharp;

namespace MnistBn.Training.OnnxEvaluation;

/// <summary>Writes images as a grid PNG.</summary>
internal static class MisclassifiedGrid
{
    /// <summary>Pixels per image side in the grid (28×28 digits drawn at 2×).</summary>
    public const int Tile = 56;

    private const int Gap = 2;

    /// <summary>Writes up to <paramref name="maxImages"/> images into a grid PNG, atomically.</summary>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="images">Gray images (any size; each is scaled to a tile).</param>
    /// <param name="columns">Tiles per row.</param>
    /// <param name="maxImages">The most tiles drawn.</param>
    /// <returns>How many tiles were drawn.</returns>
    public static int Write(string path, IEnumerable<GrayImage> images, int columns = 10, int maxImages = 100)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        var tiles = images.Take(maxImages).ToList();
        var rows = Math.Max(1, (tiles.Count + columns - 1) / columns);
        var width = Gap + Math.Min(columns, Math.Max(tiles.Count, 1)) * (Tile + Gap);
        var height = Gap + rows * (Tile + Gap);
        using var surface = new SKBitmap(new SKImageInfo(width, height, SKColorType.Bgra8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(surface))
        {
            canvas.Clear(new SKColor(128, 128, 128)); // gray gaps separate black-background tiles
            var nearest = new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None);
            for (var i = 0; i < tiles.Count; i++)
            {
                using var bitmap = ToBitmap(tiles[i]);
                using var tile = SKImage.FromBitmap(bitmap);
                var x = Gap + i % columns * (Tile + Gap);
                var y = Gap + i / columns * (Tile + Gap);
                canvas.DrawImage(tile, new SKRect(x, y, x + Tile, y + Tile), nearest);
            }
        }
        using var image = SKImage.FromBitmap(surface);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, stream => png.SaveTo(stream));
        return tiles.Count;
    }

    private static SKBitmap ToBitmap(GrayImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        var row = bitmap.RowBytes;
        var packed = new byte[row * image.Height];
        for (var y = 0; y < image.Height; y++)
            image.Pixels.AsSpan(y * image.Width, image.Width).CopyTo(packed.AsSpan(y * row));
        System.Runtime.InteropServices.Marshal.Copy(packed, 0, bitmap.GetPixels(), packed.Length);
        return bitmap;
    }
}
