// The IDX reader accepts any well-formed unsigned-byte image/label file and rejects every malformed one
// with a message that names the file and the problem.
using System.IO.Compression;
using MnistBn.Shared.Data;

namespace MnistBn.Shared.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Reads_a_non_mnist_sized_pair_of_3_images_of_5x4()
    {
        var imagesPath = _temp.Write("images", IdxBytes.Images(3, 5, 4));
        var labelsPath = _temp.Write("labels", IdxBytes.Labels(7, 0, 9));

        var images = IdxReader.ReadImages(imagesPath);
        var labels = IdxReader.ReadLabels(labelsPath);

        Assert.Equal((3, 5, 4), (images.Count, images.Rows, images.Columns));
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (byte)(i % 251)), images.Pixels);
        Assert.Equal(imagesPath, images.Path);
        Assert.Equal([7, 0, 9], labels.Labels);
    }

    [Fact]
    public void Accepts_an_image_file_with_zero_images()
    {
        var images = IdxReader.ReadImages(_temp.Write("images", IdxBytes.Images(0, 28, 28)));
        Assert.Equal(0, images.Count);
        Assert.Empty(images.Pixels);
    }

    [Fact]
    public void Reads_a_gzip_compressed_file()
    {
        var path = _temp.File("labels.gz");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            gzip.Write(IdxBytes.Labels(1, 2, 3));
        Assert.Equal([1, 2, 3], IdxReader.ReadLabels(path).Labels);
    }

    [Fact]
    public void Wrong_magic_number_is_rejected()
    {
        var bytes = IdxBytes.Images(1, 2, 2);
        bytes[0] = 0x1F; // e.g. a gzip file saved without its .gz suffix
        var path = _temp.Write("images", bytes);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("not an IDX file", error.Message);
        Assert.Contains("0x00000803", error.Message);
    }

    [Fact]
    public void Wrong_data_type_is_rejected()
    {
        var path = _temp.Write("images", IdxBytes.File(0x0D, [1, 2, 2], new byte[16]));
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("data type 0x0D (float)", error.Message);
    }

    [Fact]
    public void Label_file_read_as_images_is_rejected_for_its_rank()
    {
        var path = _temp.Write("labels", IdxBytes.Labels(1, 2));
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("rank 1", error.Message);
        Assert.Contains("expected rank 3", error.Message);
    }

    [Fact]
    public void Truncated_pixel_data_is_rejected_with_both_sizes()
    {
        var bytes = IdxBytes.Images(10, 28, 28);
        var path = _temp.Write("t10k-images-idx3-ubyte", bytes[..(16 + 1234)]);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Equal($"{path}: truncated: header says 10×28×28 = 7840 bytes of image data, file has 1234", error.Message);
    }

    [Fact]
    public void Truncated_header_is_rejected()
    {
        var path = _temp.Write("images", IdxBytes.Images(1, 2, 2)[..10]);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated: the header needs 16 bytes, file has 10", error.Message);
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        var path = _temp.Write("labels", [.. IdxBytes.Labels(1, 2, 3), 0, 0]);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("2 trailing bytes", error.Message);
    }

    [Fact]
    public void Empty_file_is_rejected_as_empty()
    {
        var path = _temp.Write("labels", []);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));
        Assert.Equal($"{path}: empty file (0 bytes); expected an IDX label file", error.Message);
    }

    [Fact]
    public void Zero_rows_are_rejected()
    {
        var path = _temp.Write("images", IdxBytes.Images(3, 0, 4));
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("rows and columns must be positive", error.Message);
    }

    [Fact]
    public void Missing_file_throws_FileNotFoundException_naming_it()
    {
        var path = _temp.File("nowhere-idx3-ubyte");
        var error = Assert.Throws<FileNotFoundException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.FileName);
    }
}
