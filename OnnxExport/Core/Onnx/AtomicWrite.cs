// Readers only ever see a complete model file: the bytes go to a temp file beside the target, are
// flushed to disk, and the temp file is renamed over the target. On failure the temp file is deleted,
// the target is left as it was, and the error names the file. (The package stands alone, so it
// cannot share MnistBn.Shared's AtomicFile.)
namespace MnistBn.OnnxExport.Onnx;

internal static class AtomicWrite
{
    /// <exception cref="IOException">The target is a directory, or the file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static void AllBytes(string path, byte[] bytes)
    {
        if (Directory.Exists(path))
            throw new IOException($"Cannot write ONNX model to '{path}': it is a directory");
        string? temp = null;
        try
        {
            var directory = Path.GetDirectoryName(path) ?? ".";
            Directory.CreateDirectory(directory);
            temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            temp = null;
        }
        catch (UnauthorizedAccessException error)
        {
            throw new UnauthorizedAccessException($"Cannot write ONNX model to '{path}': {error.Message}", error);
        }
        catch (IOException error)
        {
            throw new IOException($"Cannot write ONNX model to '{path}': {error.Message}", error);
        }
        finally
        {
            if (temp is not null && File.Exists(temp))
                File.Delete(temp);
        }
    }
}
