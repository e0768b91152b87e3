// The files under an image folder, each real file once. A symbolic link to a directory is followed
// the first time its target is reached and never again, so a link loop (a folder linking to itself
// or a parent) adds nothing, and a label folder that is a link (root/7 -> /data/sevens) still counts.
// A symbolic link to a file counts wherever it points: building a labelled folder out of links into
// a pool of pictures is a common way to make a test set without copying, and evaluation verifies
// nothing that a file outside the folder could bypass. A file reached under two names (two links,
// or a link and the file itself) is listed once, under the name that sorts first. Second names of
// files and folders are returned, so that a caller can tell a harmless one from a second label.
namespace MnistBn.Training.OnnxEvaluation;

/// <summary>One file of the folder: the name it was found under and the file it really is.</summary>
/// <param name="Path">The path under the folder (links kept: the label comes from it).</param>
/// <param name="RealPath">The path with every symbolic link resolved: the same for every name of one file.</param>
internal sealed record FolderFile(string Path, string RealPath);

/// <summary>A second name of a file or folder already listed, and the first name it was listed under.</summary>
internal sealed record SecondName(string Path, string FirstPath, bool IsFolder);

/// <summary>Files found, second names of files and folders already found, and folders that could not be listed.</summary>
internal sealed record FolderListing(IReadOnlyList<FolderFile> Files, IReadOnlyList<SecondName> SecondNames, IReadOnlyList<BadItem> Unlistable);

internal static class FolderFiles
{
    // As Linux's ELOOP: a chain of more links than this is a loop (or absurd).
    private const int MaxLinkHops = 40;

    /// <summary>Lists <paramref name="root"/> (a full path) recursively, in ordinal path order.</summary>
    public static FolderListing List(string root)
    {
        var entered = new Dictionary<string, string>(StringComparer.Ordinal); // real path → the name it was entered by
        var secondNames = new List<SecondName>();
        var found = new List<FolderFile>();
        var unlistable = new List<BadItem>();
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            string real;
            List<FileSystemInfo> entries;
            try
            {
                real = RealPath(directory);
                if (entered.TryGetValue(real, out var firstName))
                {
                    secondNames.Add(new SecondName(directory, firstName, IsFolder: true)); // a loop, or a second link to it
                    continue;
                }
                entered[real] = directory;
                entries = [.. new DirectoryInfo(directory).EnumerateFileSystemInfos()];
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                unlistable.Add(new BadItem(directory, $"{directory}: cannot list this folder ({error.Message})"));
                continue;
            }
            foreach (var entry in entries.OrderByDescending(e => e.FullName, StringComparer.Ordinal))
            {
                if (entry is DirectoryInfo)
                    pending.Push(entry.FullName);
                else
                    found.Add(new FolderFile(entry.FullName, IsLink(entry) ? RealPathOrSelf(entry.FullName) : Path.Combine(real, entry.Name)));
            }
        }

        var files = new List<FolderFile>();
        var first = new Dictionary<string, FolderFile>(StringComparer.Ordinal);
        foreach (var file in found.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            if (first.TryGetValue(file.RealPath, out var earlier))
                secondNames.Add(new SecondName(file.Path, earlier.Path, IsFolder: false));
            else
                files.Add(first[file.RealPath] = file);
        }
        return new FolderListing(files, secondNames, unlistable);
    }

    private static bool IsLink(FileSystemInfo entry) => entry.Attributes.HasFlag(FileAttributes.ReparsePoint);

    // A broken or looping link is still listed (under its own name); reading it reports the problem.
    private static string RealPathOrSelf(string path)
    {
        try
        {
            return RealPath(path);
        }
        catch (IOException)
        {
            return path;
        }
    }

    /// <summary>
    /// <paramref name="path"/> with every symbolic link resolved, component by component (realpath(3)
    /// in managed code: .NET resolves only a path's last link, and Path.GetFullPath none).
    /// </summary>
    /// <exception cref="IOException">More than 40 links on the way (a loop).</exception>
    internal static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var rest = new Stack<string>(Components(full[root.Length..]).Reverse());
        var current = root;
        var hops = 0;
        while (rest.Count > 0)
        {
            var name = rest.Pop();
            if (name == ".")
                continue;
            if (name == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }
            var next = Path.Combine(current, name);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++hops > MaxLinkHops)
                throw new IOException($"{full}: more than {MaxLinkHops} symbolic links on the way (a loop)");
            // Resolve the target where the link lives, then walk its components before the rest.
            var resolved = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
            foreach (var component in Components(resolved[Path.GetPathRoot(resolved)!.Length..]).Reverse())
                rest.Push(component);
            current = Path.GetPathRoot(resolved)!;
        }
        return current;
    }

    private static IEnumerable<string> Components(string relative) =>
        relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
