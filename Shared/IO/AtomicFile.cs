// Writes a file so that readers only ever see a complete one: write a temp file beside the target,
// then rename over it. A failure on the way deletes the temp file, leaves the target untouched, and
// is reported as "Cannot write <what> to '<path>': <reason>". The one source of this logic: the
// MnistBn.OnnxExport package, which stands alone, compiles this file too, where AtomicFile stays
// internal (its public declaration is AtomicFile.Public.cs, in MnistBn.Shared only).
namespace MnistBn.Shared.IO;

/// <summary>Temp-file-then-rename writes.</summary>
static partial class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <param name="what">Names the content in error messages, e.g. "ONNX model".</param>
    /// <exception cref="IOException">The target is a directory, or the directory cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static void Write(string path, Action<Stream> write, string what = "file")
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new IOException($"Cannot write {what} to '{full}': it is a directory");
        var directory = Path.GetDirectoryName(full)!;
        string? temp = null;
        try
        {
            Directory.CreateDirectory(directory);
            temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            temp = null;
        }
        catch (UnauthorizedAccessException error)
        {
            throw new UnauthorizedAccessException($"Cannot write {what} to '{full}': {error.Message}", error);
        }
        catch (IOException error)
        {
            throw new IOException($"Cannot write {what} to '{full}': {error.Message}", error);
        }
        finally
        {
            if (temp is not null && File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>Writes text (UTF-8) atomically.</summary>
    public static void WriteAllText(string path, string text, string what = "file") =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(text);
        }, what);

    /// <summary>Writes bytes atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes, string what = "file") =>
        Write(path, stream => stream.Write(bytes), what);
}
