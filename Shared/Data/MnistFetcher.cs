// Makes the four IDX files named in pipeline.yaml available in data.directory, each verified by its
// SHA-256. A file already there with the right hash is used as it is; anything else is fetched from
// the configured sources in order. Downloads land in a temporary file in the target folder and are
// renamed only after their hash matches, so a file under its real name is always a verified one. The
// files are verified again when they are used: MnistDataset hashes the very bytes it parses.
using MnistBn.Shared.Configuration;
using MnistBn.Shared.IO;

namespace MnistBn.Shared.Data;

/// <summary>Ensures verified MNIST IDX files exist in the configured data directory.</summary>
public sealed class MnistFetcher
{
    private readonly DataConfig _data;
    private readonly string _repositoryRoot;
    private readonly Action<string> _log;

    /// <summary>A fetcher for <paramref name="data"/>, resolving relative paths against <paramref name="repositoryRoot"/>.</summary>
    /// <param name="data">pipeline.yaml's <c>data</c> section.</param>
    /// <param name="repositoryRoot">The folder relative paths in the config resolve against.</param>
    /// <param name="log">Receives one progress line per file and source (optional).</param>
    public MnistFetcher(DataConfig data, string repositoryRoot, Action<string>? log = null)
    {
        _data = data;
        _repositoryRoot = repositoryRoot;
        _log = log ?? (_ => { });
    }

    /// <summary>The absolute data directory the files are ensured in.</summary>
    public string Directory => RepositoryPaths.Resolve(_repositoryRoot, _data.Directory);

    /// <summary>Ensures all four files; returns <see cref="Directory"/>.</summary>
    /// <exception cref="InvalidDataException">A file could not be obtained with the expected hash; the message lists each source's failure.</exception>
    public async Task<string> EnsureAsync(CancellationToken cancellationToken = default)
    {
        var directory = Directory;
        if (File.Exists(directory))
            throw new IOException($"{directory} (data.directory) is a file; it must be a folder for the four IDX files");
        try
        {
            System.IO.Directory.CreateDirectory(directory); // no write probe: verified files on read-only media are fine
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot create {directory} (data.directory): {error.Message}", error);
        }
        using var http = new LazyHttpClient();
        var sources = _data.Sources.Select(source => FileSources.Create(source, _repositoryRoot, http.Client)).ToList();
        try
        {
            foreach (var file in _data.Files.All)
                await EnsureFileAsync(directory, file, sources, cancellationToken);
        }
        finally
        {
            foreach (var source in sources)
                source.Dispose();
        }
        return directory;
    }

    private async Task EnsureFileAsync(string directory, DataFile file, IReadOnlyList<IFileSource> sources, CancellationToken cancellationToken)
    {
        var target = Path.Combine(directory, file.Name);
        if (File.Exists(target) || System.IO.Directory.Exists(target))
        {
            // A directory, FIFO or device under the file's name is refused (IOException), not replaced:
            // it is not a copy this fetcher made. A file too large to be an IDX file is a bad copy.
            string cached;
            try
            {
                cached = await Sha256File.ComputeAsync(target, ReadLimits.IdxBytes, "an IDX file", cancellationToken);
            }
            catch (InvalidDataException tooLarge)
            {
                cached = $"unknown ({tooLarge.Message})";
            }
            if (cached == file.Sha256)
            {
                _log($"{file.Name}: using cached {target} (sha256 verified)");
                return;
            }
            _log($"{file.Name}: cached copy has sha256 {cached}, expected {file.Sha256}; fetching it again");
        }

        var failures = new List<string>();
        foreach (var source in sources)
        {
            _log($"{file.Name}: downloading from {source.Description}");
            var failure = await TryFetchAsync(source, file, target, cancellationToken);
            if (failure is null)
            {
                _log($"{file.Name}: verified sha256 {file.Sha256}");
                return;
            }
            _log($"{file.Name}: {source.Description} failed: {failure}");
            failures.Add($"{source.Description}: {failure}");
        }
        var reasons = failures.Count == 0 ? " no sources are configured (data.sources)" : "\n  - " + string.Join("\n  - ", failures);
        throw new InvalidDataException($"{target}: could not obtain a copy with sha256 {file.Sha256}; every source failed:{reasons}");
    }

    // Null on success (the verified file is in place); otherwise why this source did not deliver.
    private static async Task<string?> TryFetchAsync(IFileSource source, DataFile file, string target, CancellationToken cancellationToken)
    {
        // Unique per attempt, so concurrent fetchers (several test assemblies) never write the same temp file.
        var temp = $"{target}.{Guid.NewGuid():N}.tmp";
        try
        {
            await source.DownloadAsync(file.Name, temp, cancellationToken);
            var actual = await Sha256File.ComputeAsync(temp, ReadLimits.IdxBytes, "an IDX file", cancellationToken);
            if (actual != file.Sha256)
                return $"checksum mismatch for {file.Name}: expected sha256 {file.Sha256}, actual {actual}";
            File.Move(temp, target, overwrite: true);
            return null;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Timeouts surface as TaskCanceledException without our token being cancelled: a source failure.
            return error is OperationCanceledException ? "timed out" : error.Message;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    // Creates the HttpClient only when a url source is actually used, and disposes it with the fetch.
    private sealed class LazyHttpClient : IDisposable
    {
        public Lazy<HttpClient> Client { get; } = new(UrlFileSource.CreateClient);

        public void Dispose()
        {
            if (Client.IsValueCreated)
                Client.Value.Dispose();
        }
    }
}
