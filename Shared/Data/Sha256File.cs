// SHA-256 of a file's bytes as lower-case hex, the form pipeline.yaml records.
using System.Security.Cryptography;

namespace MnistBn.Shared.Data;

/// <summary>Hashes files for verification against pipeline.yaml's <c>sha256</c> values.</summary>
public static class Sha256File
{
    /// <summary>Lower-case hex SHA-256 of the file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static async Task<string> ComputeAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: file not found", path);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    /// <summary>Synchronous <see cref="ComputeAsync"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static string Compute(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: file not found", path);
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
