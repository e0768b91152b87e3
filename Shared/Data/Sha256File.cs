// SHA-256 as lower-case hex, the form pipeline.yaml records: of bytes already in memory (the way a
// verified file is used: hash the bytes that will be parsed), or of a file read once, bounded.
using System.Security.Cryptography;
using MnistBn.Shared.IO;

namespace MnistBn.Shared.Data;

/// <summary>Hashes bytes and files for verification against pipeline.yaml's <c>sha256</c> values.</summary>
public static class Sha256File
{
    /// <summary>Lower-case hex SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Lower-case hex SHA-256 of the file at <paramref name="path"/>, a regular file of at most <paramref name="maxBytes"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The most bytes read (see <see cref="ReadLimits"/>).</param>
    /// <param name="what">What the file should be, for messages: "an IDX file".</param>
    /// <param name="cancellationToken">Stops the hashing.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, FIFO, socket or device.</exception>
    /// <exception cref="InvalidDataException">The file is larger than <paramref name="maxBytes"/>.</exception>
    public static async Task<string> ComputeAsync(string path, long maxBytes, string what, CancellationToken cancellationToken = default)
    {
        await using var stream = BoundedFile.OpenRead(path, maxBytes, what, useAsync: true);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            Append(hash, chunk, read, ref total, maxBytes, stream.Name);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary><see cref="ComputeAsync(string, long, string, CancellationToken)"/> with the limit for files only hashed (<see cref="ReadLimits.HashedFileBytes"/>).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, FIFO, socket or device.</exception>
    /// <exception cref="InvalidDataException">The file is larger than the limit.</exception>
    public static Task<string> ComputeAsync(string path, CancellationToken cancellationToken = default) =>
        ComputeAsync(path, ReadLimits.HashedFileBytes, "a file to hash", cancellationToken);

    /// <summary><see cref="Compute(string, long, string)"/> with the limit for files only hashed (<see cref="ReadLimits.HashedFileBytes"/>).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, FIFO, socket or device.</exception>
    /// <exception cref="InvalidDataException">The file is larger than the limit.</exception>
    public static string Compute(string path) => Compute(path, ReadLimits.HashedFileBytes, "a file to hash");

    /// <summary>Synchronous <see cref="ComputeAsync(string, long, string, CancellationToken)"/>.</summary>
    /// <inheritdoc cref="ComputeAsync(string, long, string, CancellationToken)" path="/param"/>
    /// <inheritdoc cref="ComputeAsync(string, long, string, CancellationToken)" path="/exception"/>
    public static string Compute(string path, long maxBytes, string what)
    {
        using var stream = BoundedFile.OpenRead(path, maxBytes, what);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = stream.Read(chunk)) > 0)
            Append(hash, chunk, read, ref total, maxBytes, stream.Name);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // The size was checked before opening; a file that grows while hashed is still cut off at the limit.
    private static void Append(IncrementalHash hash, byte[] chunk, int read, ref long total, long maxBytes, string path)
    {
        total += read;
        if (total > maxBytes)
            throw new InvalidDataException($"{path}: grew past the limit of {maxBytes:N0} bytes while it was hashed; refusing to read on");
        hash.AppendData(chunk, 0, read);
    }
}
