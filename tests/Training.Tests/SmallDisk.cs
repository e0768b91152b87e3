// A real small file system for disk-full tests: a tmpfs of a few megabytes mounted on a temporary
// directory (needs root, as on the development and CI machines here), filled on demand.
using System.Diagnostics;

namespace MnistBn.Training.Tests;

internal sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    /// <summary>A mounted tmpfs of <paramref name="kilobytes"/>, or null where this process may not mount one.</summary>
    public static SmallDisk? TryMount(int kilobytes)
    {
        var path = Directory.CreateTempSubdirectory("mnistbn-small-disk-").FullName;
        if (Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", path) == 0)
            return new SmallDisk(path);
        Directory.Delete(path);
        return null;
    }

    /// <summary>Fills the disk until only about <paramref name="bytesLeft"/> bytes are free.</summary>
    public void FillLeaving(long bytesLeft)
    {
        var free = new DriveInfo(Path).AvailableFreeSpace;
        using var filler = File.Create(System.IO.Path.Combine(Path, $"filler-{Guid.NewGuid():N}"));
        var block = new byte[4096];
        for (long written = 0; written + block.Length <= free - bytesLeft; written += block.Length)
            filler.Write(block);
    }

    public void Dispose()
    {
        Run("umount", Path);
        Directory.Delete(Path, recursive: true);
    }

    private static int Run(string command, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1; // no mount command
        }
    }
}
