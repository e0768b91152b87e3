// Paths resolve from the repository root (the folder holding pipeline.yaml), never from the
// current directory by chance.
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
}
