// Every file the project reads goes through here: the path must name a regular file (links followed)
// — never a directory, FIFO, socket or device, and that is checked before opening, because opening a
// FIFO blocks until a writer appears — and at most a stated number of bytes is read, however large the
// file claims to be or grows while it is read. Errors name the file, what it was meant to be, and the
// limit. The limits per kind of file are in ReadLimits.
//
// The kind is checked by path and the file then opened by path; a file swapped for a FIFO in between
// could still block the open. That race needs someone replacing files on purpose; the size bound
// holds either way, because it is enforced on the bytes actually read.
using System.Text;

namespace MnistBn.Shared.IO;

/// <summary>Bounded reads of regular files.</summary>
public static class BoundedFile
{
    /// <summary>Checks that <paramref name="path"/> names a regular file of at most <paramref name="maxBytes"/>; returns its full path.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The most bytes accepted (see <see cref="ReadLimits"/>).</param>
    /// <param name="what">What the file should be, for messages, with its article: "a checkpoint".</param>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">It is a directory, FIFO, socket or device.</exception>
    /// <exception cref="InvalidDataException">It is larger than <paramref name="maxBytes"/>.</exception>
    public static string Check(string path, long maxBytes, string what)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        var full = Path.GetFullPath(path);
        var (kind, size) = FileKinds.Of(full);
        switch (kind)
        {
            case FileKind.Missing:
                throw new FileNotFoundException($"{full}: not found (expected {what})", full);
            case FileKind.Regular:
                if (size > maxBytes)
                    throw TooLarge(full, size, maxBytes, what);
                return full;
            default:
                throw new IOException(
                    $"{full}: is {FileKinds.Describe(kind)}, not {what}: only a regular file of at most {maxBytes:N0} bytes " +
                    $"({FormatMiB(maxBytes)}) is read as {what}" + (kind is FileKind.Directory ? "" : "; reading this could block or never end"));
        }
    }

    /// <summary>The whole content of a checked regular file, never more than <paramref name="maxBytes"/>.</summary>
    /// <inheritdoc cref="Check" path="/param"/>
    /// <inheritdoc cref="Check" path="/exception"/>
    public static byte[] ReadAllBytes(string path, long maxBytes, string what)
    {
        var full = Check(path, maxBytes, what);
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return ReadToEnd(stream, maxBytes, full, what);
    }

    /// <summary>The text (UTF-8, or as its byte-order mark says) of a checked regular file of at most <paramref name="maxBytes"/>.</summary>
    /// <inheritdoc cref="Check" path="/param"/>
    /// <inheritdoc cref="Check" path="/exception"/>
    public static string ReadAllText(string path, long maxBytes, string what)
    {
        var bytes = ReadAllBytes(path, maxBytes, what);
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>Opens a checked regular file for reading; the caller bounds what it reads (see <see cref="ReadToEnd"/>).</summary>
    /// <inheritdoc cref="Check" path="/param"/>
    /// <inheritdoc cref="Check" path="/exception"/>
    public static FileStream OpenRead(string path, long maxBytes, string what, bool useAsync = false)
    {
        var full = Check(path, maxBytes, what);
        return new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
            FileOptions.SequentialScan | (useAsync ? FileOptions.Asynchronous : FileOptions.None));
    }

    /// <summary>
    /// Reads <paramref name="stream"/> to its end, refusing more than <paramref name="maxBytes"/>. A
    /// seekable stream's length sizes the buffer exactly (one 47 MB IDX file is one 47 MB array, not a
    /// growing copy); the end is still found by reading, so a file that grew is caught and a /proc file
    /// that says length 0 is read whole.
    /// </summary>
    /// <param name="stream">The stream, read from its current position.</param>
    /// <param name="maxBytes">The most bytes accepted.</param>
    /// <param name="source">Names the stream in messages (a path).</param>
    /// <param name="what">What the content should be, for messages.</param>
    /// <exception cref="InvalidDataException">More than <paramref name="maxBytes"/> bytes.</exception>
    public static byte[] ReadToEnd(Stream stream, long maxBytes, string source, string what)
    {
        var expected = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : 0;
        if (expected > maxBytes)
            throw TooLarge(source, expected, maxBytes, what);
        var buffer = new byte[expected];
        var filled = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (filled < buffer.Length)
            return buffer[..filled]; // it shrank while read
        // Past the expected end: nothing more (the usual case), or a stream whose length was unknown or grew.
        var chunk = new byte[81920];
        var read = stream.Read(chunk);
        if (read == 0)
            return buffer;
        using var rest = new MemoryStream();
        rest.Write(buffer);
        do
        {
            if (rest.Length + read > maxBytes)
                throw TooLarge(source, null, maxBytes, what);
            rest.Write(chunk, 0, read);
        }
        while ((read = stream.Read(chunk)) > 0);
        return rest.ToArray();
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/>, refusing more than <paramref name="maxBytes"/>.</summary>
    /// <exception cref="InvalidDataException">More than <paramref name="maxBytes"/> bytes.</exception>
    public static async Task CopyAsync(Stream from, Stream to, long maxBytes, string source, string what, CancellationToken cancellationToken)
    {
        var chunk = new byte[81920];
        long total = 0;
        int read;
        while ((read = await from.ReadAsync(chunk, cancellationToken)) > 0)
        {
            total += read;
            if (total > maxBytes)
                throw TooLarge(source, null, maxBytes, what);
            await to.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
        }
    }

    private static InvalidDataException TooLarge(string source, long? size, long maxBytes, string what) =>
        new($"{source}: {(size is { } known ? $"{known:N0} bytes, more" : "more")} than the limit of {maxBytes:N0} bytes " +
            $"({FormatMiB(maxBytes)}) for {what}; refusing to read it");

    private static string FormatMiB(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MiB" : $"{bytes / 1024.0:0.#} KiB";
}
