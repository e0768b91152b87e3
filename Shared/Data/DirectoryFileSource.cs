// A data source that copies the raw IDX files from a local folder (a mounted share, an offline copy).
namespace MnistBn.Shared.Data;

internal sealed class DirectoryFileSource(string folder) : IFileSource
{
    public string Description => $"directory {folder}";

    public async Task DownloadAsync(string fileName, string destination, CancellationToken cancellationToken)
    {
        var source = Path.Combine(folder, fileName);
        if (!File.Exists(source))
            throw new FileNotFoundException($"{source}: not found", source);
        await using var input = File.OpenRead(source);
        await using var output = File.Create(destination);
        await input.CopyToAsync(output, cancellationToken);
    }

    public void Dispose()
    {
    }
}
