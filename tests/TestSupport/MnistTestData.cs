// The repository's real MNIST files for tests: verified (and fetched with the real MnistFetcher when
// missing) once per process, and serialised across processes, because `dotnet test` runs several
// test assemblies at the same time and they must not fetch into the same folder at once.
using MnistBn.Shared;
using MnistBn.Shared.Configuration;
using MnistBn.Shared.Data;

namespace MnistBn.TestSupport;

/// <summary>Access to verified MNIST for tests.</summary>
public static class MnistTestData
{
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(10);
    private static readonly Lazy<Task<string>> Directory = new(EnsureOnceAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<Task<LabeledImages>> TestSplit = new(LoadTestSplitAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The repository's pipeline.yaml, as loaded (no overrides).</summary>
    public static PipelineConfig Config => LoadConfig().Config;

    /// <summary>The data directory of the repository with the four verified IDX files in it.</summary>
    public static Task<string> EnsureAsync() => Directory.Value;

    /// <summary>MNIST's 10,000 test images, read once per process (callers must not modify the arrays).</summary>
    public static Task<LabeledImages> TestSetAsync() => TestSplit.Value;

    private static async Task<LabeledImages> LoadTestSplitAsync() =>
        MnistDataset.LoadTest(await EnsureAsync(), Config.Data.Files);

    private static async Task<string> EnsureOnceAsync()
    {
        var (config, root) = LoadConfig();
        var fetcher = new MnistFetcher(config.Data, root);
        System.IO.Directory.CreateDirectory(fetcher.Directory);
        // The lock file stays in place; the OS lock (FileShare.None) is what excludes, and it is
        // released when the handle closes, even if the process dies.
        using var gate = await AcquireLockAsync(Path.Combine(fetcher.Directory, ".fetch.lock"));
        return await fetcher.EnsureAsync();
    }

    private static async Task<FileStream> AcquireLockAsync(string path)
    {
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    private static (PipelineConfig Config, string Root) LoadConfig()
    {
        var root = RepositoryPaths.FindRoot();
        return (PipelineConfigLoader.Load(Path.Combine(root, RepositoryPaths.ConfigFileName)), root);
    }
}
