// Writes the model bytes so that a reader sees either the old file or the complete new one: a temp
// file in the target directory, then a rename. Failures name the target and leave no temp file.
// (main has Shared/IO/AtomicFile with the same rule; this branch cannot merge main, so the exporter
// keeps its own small copy until the branches meet.)
namespace MnistBn.Training.Export;

internal static class AtomicModelFile
{
    public static void Write(string path, byte[] bytes)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new IOException($"Cannot write ONNX model to '{full}': it is a directory");
        var directory = Path.GetDirectoryName(full)!;
        string? temp = null;
        try
        {
            Directory.CreateDirectory(directory);
            temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            temp = null;
        }
        catch (UnauthorizedAccessException error)
        {
            throw new UnauthorizedAccessException($"Cannot write ONNX model to '{full}': {error.Message}", error);
        }
        catch (IOException error)
        {
            throw new IOException($"Cannot write ONNX model to '{full}': {error.Message}", error);
        }
        finally
        {
            if (temp is not null && File.Exists(temp))
                File.Delete(temp);
        }
    }
}
