// Every read is bounded and never blocks on a non-file: BoundedFile refuses FIFOs (before opening
// them), devices and directories, and files over the limit, naming the file and the limit; regular
// files, links to them and /proc files (which say length 0) are read whole.
using MnistBn.Shared.IO;
using MnistBn.Shared.Tests.Data;
using MnistBn.TestSupport;

namespace MnistBn.Shared.Tests.IO;

public sealed class BoundedFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Fifo_is_refused_before_it_is_opened_so_the_read_never_blocks()
    {
        var fifo = SpecialFiles.MakeFifo(_temp.File("pipe"));

        var error = SpecialFiles.ThrowsWithinDeadline<IOException>(() => BoundedFile.ReadAllBytes(fifo, 1000, "a test file"));

        Assert.StartsWith($"{fifo}: is a FIFO (named pipe), not a test file", error.Message);
        Assert.Contains("1,000 bytes", error.Message);
    }

    [Fact]
    public void Dev_zero_is_refused_as_a_device_naming_it_and_the_limit()
    {
        var error = SpecialFiles.ThrowsWithinDeadline<IOException>(() => BoundedFile.ReadAllBytes("/dev/zero", ReadLimits.ConfigBytes, "a test file"));

        Assert.StartsWith("/dev/zero: is a character device, not a test file", error.Message);
        Assert.Contains("1,048,576 bytes (1 MiB)", error.Message);
    }

    [Fact]
    public void Link_to_dev_zero_is_refused_like_dev_zero()
    {
        var link = _temp.File("zero.bin");
        File.CreateSymbolicLink(link, "/dev/zero");

        var error = SpecialFiles.ThrowsWithinDeadline<IOException>(() => BoundedFile.ReadAllBytes(link, 1000, "a test file"));

        Assert.StartsWith($"{link}: is a character device", error.Message);
    }

    [Fact]
    public void Oversize_file_is_refused_before_reading_naming_file_size_and_limit()
    {
        var path = _temp.File("big.bin");
        using (var file = File.Create(path))
            file.SetLength(3L * 1024 * 1024 * 1024); // sparse: 3 GB that take no disk

        var error = Assert.Throws<InvalidDataException>(() => BoundedFile.ReadAllBytes(path, ReadLimits.ImageBytes, "an image"));

        Assert.Equal($"{path}: 3,221,225,472 bytes, more than the limit of 67,108,864 bytes (64 MiB) for an image; refusing to read it", error.Message);
    }

    [Fact]
    public void Directory_is_refused_naming_what_was_expected()
    {
        var error = Assert.Throws<IOException>(() => BoundedFile.ReadAllBytes(_temp.Path, 1000, "a test file"));
        Assert.StartsWith($"{_temp.Path}: is a directory, not a test file", error.Message);
    }

    [Fact]
    public void Missing_file_is_file_not_found_naming_it()
    {
        var path = _temp.File("absent");
        var error = Assert.Throws<FileNotFoundException>(() => BoundedFile.ReadAllBytes(path, 1000, "a test file"));
        Assert.Equal($"{path}: not found (expected a test file)", error.Message);
    }

    [Fact]
    public void File_at_exactly_the_limit_is_read_and_one_byte_more_is_not()
    {
        var exact = _temp.Write("exact", new byte[1000]);
        var over = _temp.Write("over", new byte[1001]);

        Assert.Equal(1000, BoundedFile.ReadAllBytes(exact, 1000, "a test file").Length);
        Assert.Throws<InvalidDataException>(() => BoundedFile.ReadAllBytes(over, 1000, "a test file"));
    }

    [Fact]
    public void Link_to_a_regular_file_is_read_through()
    {
        var target = _temp.Write("target", [1, 2, 3]);
        var link = _temp.File("link");
        File.CreateSymbolicLink(link, target);

        Assert.Equal([1, 2, 3], BoundedFile.ReadAllBytes(link, 10, "a test file"));
    }

    [Fact]
    public void Proc_file_that_reports_length_zero_is_read_whole()
    {
        var status = BoundedFile.ReadAllText("/proc/self/status", ReadLimits.JsonBytes, "a status file");
        Assert.Contains("VmRSS", status);
    }

    [Fact]
    public void Stream_longer_than_the_limit_is_cut_off_naming_source_and_limit()
    {
        using var endless = new UnseekableStream(new byte[5000]);
        var error = Assert.Throws<InvalidDataException>(() => BoundedFile.ReadToEnd(endless, 4096, "the source", "a test file"));
        Assert.Equal("the source: more than the limit of 4,096 bytes (4 KiB) for a test file; refusing to read it", error.Message);
    }

    // A stream without a length, like a pipe or a decompressor.
    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
