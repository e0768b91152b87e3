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

    /// <summary>
    /// Where the images came from, for messages about them: the split and the image file, e.g. "test split,
    /// images data/mnist/t10k-images-idx3-ubyte"; null for images made in memory.
    /// </summary>
    public string? Origin { get; init; }

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
        return this with { Pixels = Pixels[..(count * PixelsPerImage)], Labels = Labels[..count], Count = count };
    }
}
