// An exclusive lock on a directory that a command writes into, for as long as the command runs, so
// that two commands never write the same artefacts at once: a second training into runs/<variant>/
// would overwrite the first one's checkpoint, and `report` during `run` would render the previous
// study over the new one. The lock is the OS's (flock on Linux, taken by FileShare.None): it is
// released when the handle closes, also when the process is killed, so no stale lock is ever left to
// clean up. Beside it, an owner file says who holds it (process id, start time, command line) for the
// error message. A busy directory fails at once rather than waiting: the holder may be a study that runs
// for many minutes, a command that waits silently for it looks hung, and a script can retry.
// Releasing deletes both files, so that a lock leaves nothing in models/ or in a folder that a failed
// command must leave as it was. That opens one race, closed on taking: a process that opened the file just
// before the holder deleted it would lock a file no longer in the directory, while a third one creates and
// locks a new one. So whoever takes the lock checks that its file still has a name (Linux's /proc/self/fd
// says "(deleted)" otherwise) and tries again if not. Where /proc cannot tell, the files stay (as a process
// killed with -9 leaves them: harmless, the next holder reuses them). A holder killed with -9 may also
// leave an atomic write's temp file behind; whoever takes the lock next removes those (in the directory
// itself, not below it: a subdirectory may have a lock and a writer of its own).
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MnistBn.Shared.IO;

namespace MnistBn.Training.Stages;

/// <summary>A directory that a command locks: where it is, what it is for, and the pipeline.yaml key that moves it.</summary>
/// <param name="Role">What the directory is, for messages ("run directory").</param>
/// <param name="ConfigKey">The key a user sets to write elsewhere (<c>training.output_directory</c>).</param>
public sealed record LockedDirectory(string Path, string Role, string ConfigKey);

/// <summary>Another process (or another lock in this one) holds the directory.</summary>
public sealed class DirectoryInUseException(string message) : IOException(message);

/// <summary>Holds a directory exclusively until disposed.</summary>
public sealed partial class DirectoryLock : IDisposable
{
    /// <summary>The lock file inside the directory (it stays, hidden and git-ignored; the OS lock on it is what excludes).</summary>
    public const string FileName = ".lock";

    /// <summary>Who holds the lock, written after it is taken and deleted when it is released.</summary>
    public const string OwnerFileName = ".lock.owner";

    // Tries at taking a lock whose file its holder deleted meanwhile (each such try means the lock was released).
    private const int Attempts = 10;

    private readonly FileStream _handle;
    private readonly string _path;
    private readonly string _ownerPath;
    private readonly bool _deleteOnRelease;

    private DirectoryLock(FileStream handle, string path, string ownerPath, bool deleteOnRelease)
    {
        _handle = handle;
        _path = path;
        _ownerPath = ownerPath;
        _deleteOnRelease = deleteOnRelease;
    }

    /// <summary>Creates the directory if needed and locks it.</summary>
    /// <exception cref="DirectoryInUseException">Another process (or another lock in this one) holds it.</exception>
    /// <exception cref="IOException">The directory cannot be created or written (checked here, before any work).</exception>
    public static DirectoryLock Acquire(LockedDirectory directory)
    {
        var full = Path.GetFullPath(directory.Path);
        var path = Path.Combine(full, FileName);
        for (var attempt = 1; ; attempt++)
        {
            var handle = Open(directory, full, path);
            var named = StillNamed(handle);
            if (named != false || attempt == Attempts)
            {
                var held = Own(handle, path, Path.Combine(full, OwnerFileName), deleteOnRelease: named == true);
                RemoveLeftoverTemps(full);
                return held;
            }
            handle.Dispose(); // a released lock's deleted file: take the one now in the directory
        }
    }

    private static FileStream Open(LockedDirectory directory, string full, string path)
    {
        try
        {
            Directory.CreateDirectory(full);
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException error) when (File.Exists(path) && error is not (FileNotFoundException or DirectoryNotFoundException))
        {
            throw new DirectoryInUseException(
                $"{full} is in use by another mnistbn command ({DescribeOwner(Path.Combine(full, OwnerFileName))}; lock file {path}); " +
                $"wait for it to end, or write to another directory with --set {directory.ConfigKey}=<dir>");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot use {full} as the {directory.Role} ({directory.ConfigKey}): {error.Message}", error);
        }
    }

    // True: the locked file is the one in the directory; false: it was deleted; null: no /proc to tell.
    private static bool? StillNamed(FileStream handle)
    {
        try
        {
            var target = new FileInfo($"/proc/self/fd/{handle.SafeFileHandle.DangerousGetHandle()}").LinkTarget;
            return target is null ? null : target.EndsWith($"/{FileName}", StringComparison.Ordinal);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // AtomicFile's temp files (".<name>.<32 hex digits>.tmp"): with the lock held, nobody else is writing one.
    private static void RemoveLeftoverTemps(string directory)
    {
        foreach (var temp in Directory.EnumerateFiles(directory, ".*.tmp").Where(f => LeftoverTemp().IsMatch(Path.GetFileName(f))))
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Left for the next holder; it was never read as an output.
            }
        }
    }

    [GeneratedRegex(@"^\..+\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex LeftoverTemp();

    private static DirectoryLock Own(FileStream handle, string path, string owner, bool deleteOnRelease)
    {
        try
        {
            using var self = Process.GetCurrentProcess();
            AtomicFile.WriteAllText(owner, string.Create(CultureInfo.InvariantCulture,
                $"{Environment.ProcessId}\n{self.StartTime.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC\n{Environment.CommandLine}\n"), "lock owner");
        }
        catch
        {
            Release(handle, path, owner, deleteOnRelease);
            throw;
        }
        return new DirectoryLock(handle, path, owner, deleteOnRelease);
    }

    /// <summary>Locks every directory, in order; releases those already taken when one fails.</summary>
    /// <inheritdoc cref="Acquire" path="/exception"/>
    public static IDisposable AcquireAll(IEnumerable<LockedDirectory> directories)
    {
        var held = new List<DirectoryLock>();
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

    /// <summary>Releases the lock.</summary>
    public void Dispose() => Release(_handle, _path, _ownerPath, _deleteOnRelease);

    // The owner file goes first, so nobody reads a released owner as current; the lock file is deleted while
    // still locked, so that nobody can take it in between (see the race above).
    private static void Release(FileStream handle, string path, string owner, bool deleteLockFile)
    {
        try
        {
            File.Delete(owner);
            if (deleteLockFile)
                File.Delete(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // Leftover files are harmless: the next holder reuses them.
        }
        handle.Dispose();
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

    private sealed class Held(List<DirectoryLock> locks) : IDisposable
    {
        public void Dispose() => locks.ForEach(l => l.Dispose());
    }
}
