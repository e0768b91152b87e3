// What was checked is what is used: MnistDataset hashes the bytes it parses (one read per file), so a
// file replaced after the fetcher verified it is refused instead of trained on; IDX files are read
// bounded (also after gunzip) and never from a FIFO or device.
using System.IO.Compression;
using MnistBn.Shared.Configuration;
using MnistBn.Shared.Data;
using MnistBn.Shared.IO;
using MnistBn.TestSupport;

namespace MnistBn.Shared.Tests.Data;

public sealed class VerifiedReadTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly byte[] GoodLabels = IdxBytes.Labels(1, 2);
    private static readonly byte[] SwappedLabels = IdxBytes.Labels(7, 7);

    // A data folder of four tiny IDX files (2 images each), fetched and verified from a directory source.
    private async Task<(string Directory, DataFiles Files)> FetchedAsync()
    {
        var source = Directory.CreateDirectory(_temp.File("source")).FullName;
        var images = IdxBytes.Images(2, 2, 2);
        DataFile Write(string name, byte[] bytes)
        {
            File.WriteAllBytes(Path.Combine(source, name), bytes);
            return new DataFile(name, Sha256File.Of(bytes));
        }
        var files = new DataFiles(Write("train-images", images), Write("train-labels", GoodLabels),
            Write("test-images", images), Write("test-labels", GoodLabels));
        var directory = await new MnistFetcher(new DataConfig(_temp.File("data"), [new DataSource("directory", source, false, "")], files), _temp.Path)
            .EnsureAsync();
        return (directory, files);
    }

    [Fact]
    public async Task Labels_swapped_after_the_fetcher_verified_them_are_refused_not_trained_on()
    {
        var (directory, files) = await FetchedAsync();
        // The race, made deterministic: the verified file becomes a link to other labels
        // between the fetcher's check and the load.
        var labels = Path.Combine(directory, files.TestLabels.Name);
        var other = _temp.Write("other-labels", SwappedLabels);
        File.Delete(labels);
        File.CreateSymbolicLink(labels, other);

        var error = Assert.Throws<InvalidDataException>(() => MnistDataset.LoadTest(directory, files));

        Assert.StartsWith($"{labels}: sha256 is {Sha256File.Of(SwappedLabels)}, but pipeline.yaml (data.files) expects {files.TestLabels.Sha256}", error.Message);
    }

    [Fact]
    public async Task Verified_files_load_with_their_split_and_file_named_for_later_messages()
    {
        var (directory, files) = await FetchedAsync();

        var test = MnistDataset.LoadTest(directory, files);

        Assert.Equal([1, 2], test.Labels);
        Assert.Equal($"test split, images {Path.Combine(directory, files.TestImages.Name)}", test.Origin);
        Assert.Equal(test.Origin, test.Take(1).Origin);
    }

    [Fact]
    public void Parsed_labels_are_the_bytes_that_were_hashed()
    {
        // The one read: ReadFile's array is what is hashed and what is parsed; nothing reopens the path.
        var path = _temp.Write("labels", GoodLabels);
        var bytes = IdxReader.ReadFile(path);
        File.WriteAllBytes(path, SwappedLabels); // the file changes after the read

        Assert.Equal(Sha256File.Of(GoodLabels), Sha256File.Of(bytes));
        Assert.Equal([1, 2], IdxReader.ParseLabels(bytes, path).Labels);
    }

    [Fact]
    public void Idx_fifo_is_refused_quickly_and_never_blocks()
    {
        var fifo = SpecialFiles.MakeFifo(_temp.File("t10k-labels-idx1-ubyte"));

        var error = SpecialFiles.ThrowsWithinDeadline<IOException>(() => IdxReader.ReadLabels(fifo));

        Assert.StartsWith($"{fifo}: is a FIFO (named pipe), not an IDX file", error.Message);
    }

    [Fact]
    public void Idx_dev_zero_is_refused_with_the_limit_in_the_message()
    {
        var error = SpecialFiles.ThrowsWithinDeadline<IOException>(() => IdxReader.ReadImages("/dev/zero"));

        Assert.StartsWith("/dev/zero: is a character device, not an IDX file", error.Message);
        Assert.Contains($"{ReadLimits.IdxBytes:N0} bytes (100 MiB)", error.Message);
    }

    [Fact]
    public void Oversize_idx_file_is_refused_naming_the_file_and_the_limit()
    {
        var path = _temp.File("huge-images");
        using (var file = File.Create(path))
            file.SetLength(ReadLimits.IdxBytes + 1);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Equal($"{path}: 104,857,601 bytes, more than the limit of 104,857,600 bytes (100 MiB) for an IDX file; refusing to read it", error.Message);
    }

    [Fact]
    public void Gzip_that_expands_past_the_limit_is_refused_naming_the_file()
    {
        var path = _temp.File("bomb-idx1-ubyte.gz");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.SmallestSize))
        {
            var zeros = new byte[1 << 20];
            for (long written = 0; written <= ReadLimits.IdxBytes; written += zeros.Length)
                gzip.Write(zeros);
        }

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.Equal($"{path}: decompresses to more than the limit of 104,857,600 bytes for an IDX file; refusing to decompress on", error.Message);
    }

    [Fact]
    public async Task Fetcher_refuses_a_fifo_in_place_of_a_cached_file_without_blocking()
    {
        var (directory, files) = await FetchedAsync();
        var labels = Path.Combine(directory, files.TrainLabels.Name);
        File.Delete(labels);
        SpecialFiles.MakeFifo(labels);
        var fetcher = new MnistFetcher(new DataConfig(directory, [], files), _temp.Path);

        var error = SpecialFiles.ThrowsWithinDeadline<IOException>(() => fetcher.EnsureAsync().GetAwaiter().GetResult());

        Assert.StartsWith($"{labels}: is a FIFO (named pipe), not an IDX file", error.Message);
    }
}
