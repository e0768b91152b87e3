// Paths resolve from the repository root (the folder holding pipeline.yaml), never from the
// current directory by chance; paths that artefacts record are written relative to that root, so
// nothing committed carries a path of the machine that made it.
namespace MnistBn.Shared;

/// <summary>Locates the repository root and resolves configured relative paths against it.</summary>
public static class RepositoryPaths
{
    /// <summary>The file that marks the repository root.</summary>
    public const string ConfigFileName = "pipeline.yaml";

    /// <summary>
    /// The nearest folder holding pipeline.yaml, searching upwards from the current directory and
    /// then from the application's own folder (so tests and `dotnet run` find it alike).
    /// </summary>
    public static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, ConfigFileName)))
                    return dir.FullName;
            }
        }
        throw new FileNotFoundException(
            $"Cannot find {ConfigFileName} above '{Directory.GetCurrentDirectory()}' or '{AppContext.BaseDirectory}'; run from the repository or pass --config.");
    }

    /// <summary>An absolute path: <paramref name="path"/> itself if rooted, else under <paramref name="root"/>.</summary>
    public static string Resolve(string root, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(root, path));

    /// <summary>
    /// What a recorded path that lay outside the repository starts with; only its last name follows.
    /// A bare name would read as a path under the root and, pasted into a command, silently point
    /// somewhere else; the marker keeps the name recognisable, and a shell refuses it. (No angle
    /// brackets: JSON writers escape them.)
    /// </summary>
    public const string OutsidePrefix = "(outside-repo)/";

    /// <summary>
    /// <paramref name="path"/> as artefacts record it: relative to <paramref name="root"/> with forward
    /// slashes when it lies inside (<c>.</c> for the root itself), else <see cref="OutsidePrefix"/> and its
    /// last name. A relative <paramref name="path"/> is taken as relative to <paramref name="root"/>.
    /// </summary>
    public static string Portable(string root, string path)
    {
        var full = Path.GetFullPath(Resolve(root, path));
        var relative = Path.GetRelativePath(Path.GetFullPath(root), full);
        // Another drive (Windows) comes back rooted; a path above the root comes back as "..".
        if (Path.IsPathRooted(relative) || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            return OutsidePrefix + Path.GetFileName(Path.TrimEndingDirectorySeparator(full));
        return relative.Replace('\\', '/');
    }

    /// <summary>True for a path that <see cref="Portable"/> marked as lying outside the repository.</summary>
    public static bool IsOutside(string recordedPath) => recordedPath.StartsWith(OutsidePrefix, StringComparison.Ordinal);
}
