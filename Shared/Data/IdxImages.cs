// The contents of one IDX image file (magic 0x00000803): Count images of Rows×Columns bytes, row-major.
namespace MnistBn.Shared.Data;

/// <summary>Images read from an IDX file by <see cref="IdxReader.ReadImages"/>.</summary>
/// <param name="Path">The file the images came from (for error messages further on).</param>
/// <param name="Count">Number of images.</param>
/// <param name="Rows">Height of every image in pixels.</param>
/// <param name="Columns">Width of every image in pixels.</param>
/// <param name="Pixels">Count·Rows·Columns bytes: image after image, each row-major.</param>
public sealed record IdxImages(string Path, int Count, int Rows, int Columns, byte[] Pixels)
{
    /// <summary>Pixels per image (Rows·Columns).</summary>
    public int PixelsPerImage => Rows * Columns;
}
