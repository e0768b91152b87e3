// Checks up front that a directory a long job will write into can be written, so that a bad
// output setting fails before minutes of training rather than after the first epoch.
namespace MnistBn.Shared.IO;

/// <summary>Create-and-probe checks for output directories.</summary>
public static class WritableDirectory
{
    /// <summary>Creates <paramref name="directory"/> if needed and writes and deletes a probe file in it.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="setting">The configuration key that names it, for the message (e.g. "export.directory").</param>
    /// <exception cref="IOException">The directory cannot be created or written; the message names it and the setting.</exception>
    public static void Ensure(string directory, string setting)
    {
        var full = Path.GetFullPath(directory);
        var probe = Path.Combine(full, $".write-probe.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(full);
            File.WriteAllBytes(probe, [0]);
            File.Delete(probe);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write to {full} ({setting}): {error.Message}", error);
        }
    }
}
