// A data source that copies the raw IDX files from a local folder (a mounted share, an offline copy).
using MnistBn.Shared.IO;

namespace MnistBn.Shared.Data;

internal sealed class DirectoryFileSource(string folder) : IFileSource
{
    public string Description => $"directory {folder}";

    public async Task DownloadAsync(string fileName, string destination, CancellationToken cancellationToken)
    {
        var source = Path.Combine(folder, fileName);
        // A FIFO or device in the source folder is refused before opening it; the copy is bounded.
        await using var input = BoundedFile.OpenRead(source, ReadLimits.IdxBytes, "an IDX file", useAsync: true);
        await using var output = File.Create(destination);
        await BoundedFile.CopyAsync(input, output, ReadLimits.IdxBytes, source, "an IDX file", cancellationToken);
    }

    public void Dispose()
    {
    }
}
