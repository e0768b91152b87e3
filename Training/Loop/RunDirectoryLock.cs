// An exclusive lock on a run directory (runs/<variant>/) for as long as a process trains into it, so
// that a second training into the same directory fails at once instead of overwriting the first one's
// checkpoint and history. The lock is the OS's (flock on Linux, taken by FileShare.None): it is released
// when the handle closes, also when the process is killed, so no stale lock is ever left to clean up.
// Beside it, an owner file says who holds it (process id, command, start time) for the error message.
using System.Diagnostics;
using System.Globalization;
using MnistBn.Shared.IO;

namespace MnistBn.Training.Loop;

/// <summary>Another process holds the run directory.</summary>
public sealed class RunDirectoryInUseException(string message) : IOException(message);

/// <summary>Holds a run directory exclusively until disposed.</summary>
public sealed class RunDirectoryLock : IDisposable
{
    /// <summary>The lock file inside the directory (it stays; the OS lock on it is what excludes).</summary>
    public const string FileName = ".lock";

    /// <summary>Who holds the lock, written after it is taken.</summary>
    public const string OwnerFileName = ".lock.owner";

    private readonly FileStream _handle;
    private readonly string _ownerPath;

    private RunDirectoryLock(FileStream handle, string ownerPath)
    {
        _handle = handle;
        _ownerPath = ownerPath;
    }

    /// <summary>Creates <paramref name="directory"/> if needed and locks it.</summary>
    /// <exception cref="RunDirectoryInUseException">Another process (or another lock in this one) holds it.</exception>
    /// <exception cref="IOException">The directory cannot be created or written (checked here, before any training).</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static RunDirectoryLock Acquire(string directory)
    {
        var full = Path.GetFullPath(directory);
        var path = Path.Combine(full, FileName);
        FileStream handle;
        try
        {
            Directory.CreateDirectory(full);
            handle = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException error) when (File.Exists(path) && error is not (FileNotFoundException or DirectoryNotFoundException))
        {
            throw new RunDirectoryInUseException(
                $"{full} is in use by another training ({DescribeOwner(Path.Combine(full, OwnerFileName))}); wait for it to end, " +
                "or train into another directory with --set training.output_directory=<dir>");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot use {full} as the run directory (training.output_directory): {error.Message}", error);
        }
        var owner = Path.Combine(full, OwnerFileName);
        try
        {
            using var self = Process.GetCurrentProcess();
            AtomicFile.WriteAllText(owner, string.Create(CultureInfo.InvariantCulture,
                $"{Environment.ProcessId}\n{self.StartTime.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC\n{Environment.CommandLine}\n"), "lock owner");
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        return new RunDirectoryLock(handle, owner);
    }

    /// <summary>Locks every directory, in order; releases those already taken when one fails.</summary>
    /// <inheritdoc cref="Acquire" path="/exception"/>
    public static IDisposable AcquireAll(IEnumerable<string> directories)
    {
        var held = new List<RunDirectoryLock>();
        try
        {
            foreach (var directory in directories)
                held.Add(Acquire(directory));
        }
        catch
        {
            held.ForEach(l => l.Dispose());
            throw;
        }
        return new Held(held);
    }

    /// <summary>Releases the lock (the owner file goes first, so nobody reads a released owner as current).</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(_ownerPath);
        }
        catch (IOException)
        {
            // A leftover owner file is harmless: the next holder rewrites it.
        }
        _handle.Dispose();
    }

    private static string DescribeOwner(string ownerPath)
    {
        try
        {
            var lines = File.ReadAllLines(ownerPath);
            return lines.Length >= 3 ? $"process {lines[0]}, started {lines[1]}: {lines[2]}" : "owner unknown";
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return "owner unknown";
        }
    }

    private sealed class Held(List<RunDirectoryLock> locks) : IDisposable
    {
        public void Dispose() => locks.ForEach(l => l.Dispose());
    }
}
