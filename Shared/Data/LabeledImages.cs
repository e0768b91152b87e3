// One split of a labelled image data set (e.g. MNIST's 60,000 training images), as plain arrays so
// that training, evaluation and tests can slice it without any ML library.
namespace MnistBn.Shared.Data;

/// <summary>Images with one label each; image <c>i</c> is <c>Pixels[i·Rows·Columns ..]</c>.</summary>
/// <param name="Pixels">Count·Rows·Columns bytes, image after image, each row-major.</param>
/// <param name="Labels">Count labels.</param>
/// <param name="Count">Number of images.</param>
/// <param name="Rows">Image height.</param>
/// <param name="Columns">Image width.</param>
public sealed record LabeledImages(byte[] Pixels, byte[] Labels, int Count, int Rows, int Columns)
{
    /// <summary>Pixels per image (Rows·Columns).</summary>
    public int PixelsPerImage => Rows * Columns;

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }

    /// <summary>The first <paramref name="count"/> images (all of them when count is 0 or ≥ Count).</summary>
    public LabeledImages Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0 || count >= Count)
            return this;
        return new LabeledImages(Pixels[..(count * PixelsPerImage)], Labels[..count], count, Rows, Columns);
    }
}
