// What a picture holds before the model sees it: which way round the digit is (from the border, where
// a centred digit leaves only background), whether there is ink at all, and whether the ink is big
// enough to be a digit. The pipeline then always gets a light digit on a dark background, as MNIST's.
namespace MnistBn.Inference;

/// <summary>A picture as the model will see it, and what was found on the way.</summary>
/// <param name="Pixels">Gray pixels, light digit on dark background.</param>
/// <param name="Inverted">The picture was read as a dark digit on a light background and inverted.</param>
/// <param name="IsBlank">No ink (see <see cref="InkCheck"/>).</param>
/// <param name="IsTooSmall">Ink, but its extent is under <see cref="PictureReading.MinimumInkExtent"/> of the picture: a dot, not a digit.</param>
internal sealed record PictureReading(byte[] Pixels, bool Inverted, bool IsBlank, bool IsTooSmall)
{
    /// <summary>
    /// The ink's bounding box must span at least this fraction of the picture's shorter side (its longer
    /// side does). MNIST digits span ~0.7 (20 of 28 pixels); a narrow "1" still spans its height.
    /// </summary>
    public const double MinimumInkExtent = 0.2;

    /// <summary>Reads <paramref name="image"/> with <paramref name="polarity"/> (Auto: from its border).</summary>
    public static PictureReading Of(GrayImage image, DigitPolarity polarity)
    {
        var inverted = polarity switch
        {
            DigitPolarity.DarkOnLight => true,
            DigitPolarity.LightOnDark => false,
            _ => BorderMean(image) > 127.5,
        };
        var pixels = inverted ? Inverse(image.Pixels) : image.Pixels;
        var blank = InkCheck.IsBlank(pixels);
        return new PictureReading(pixels, inverted, blank, !blank && InkExtent(pixels, image.Width, image.Height) < MinimumInkExtent);
    }

    // The mean of the outer ring, 1/14 of the shorter side wide (2 pixels of a 28×28 picture).
    private static double BorderMean(GrayImage image)
    {
        var (w, h) = (image.Width, image.Height);
        var ring = Math.Max(1, Math.Min(w, h) / 14);
        long sum = 0, count = 0;
        for (var y = 0; y < h; y++)
        {
            var edgeRow = y < ring || y >= h - ring;
            for (var x = 0; x < w; x++)
            {
                if (edgeRow || x < ring || x >= w - ring)
                {
                    sum += image.Pixels[y * w + x];
                    count++;
                }
            }
        }
        return (double)sum / count;
    }

    // The ink's bounding box (pixels at least halfway from the darkest to the lightest value), as the
    // fraction of the shorter picture side that its longer side covers.
    private static double InkExtent(byte[] pixels, int width, int height)
    {
        var (min, max) = (pixels.Min(), pixels.Max());
        var threshold = min + (max - min) / 2;
        int x0 = width, y0 = height, x1 = -1, y1 = -1;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if (pixels[y * width + x] <= threshold)
                    continue;
                (x0, x1, y0, y1) = (Math.Min(x0, x), Math.Max(x1, x), Math.Min(y0, y), Math.Max(y1, y));
            }
        }
        return x1 < 0 ? 0 : (double)Math.Max(x1 - x0 + 1, y1 - y0 + 1) / Math.Min(width, height);
    }

    private static byte[] Inverse(byte[] pixels)
    {
        var inverse = new byte[pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
            inverse[i] = (byte)(byte.MaxValue - pixels[i]);
        return inverse;
    }
}
