// The command line that reports record ("Produced by `mnistbn …`"), without the paths of the machine
// that ran it: a rooted token (`--config /home/me/repo/pipeline.yaml`) or the rooted value of a
// `key=value` token (`--set report.directory=/tmp/x`) becomes RepositoryPaths.Portable's form.
// Relative tokens stay as typed: they are no machine's path.
using MnistBn.Shared;

namespace MnistBn.Training.Report;

internal static class PortableCommand
{
    /// <summary><c>mnistbn</c> and the tokens the user typed, each rooted path made portable.</summary>
    public static string Of(IEnumerable<string> tokens, string root) =>
        string.Join(' ', ["mnistbn", .. tokens.Select(token => Token(token, root))]);

    /// <summary>
    /// A command recorded earlier as one string, made portable. Splitting at single spaces and joining
    /// with them gives back the same string for every token that holds no path.
    /// </summary>
    public static string Rewrite(string command, string root) =>
        string.Join(' ', command.Split(' ').Select(token => Token(token, root)));

    private static string Token(string token, string root)
    {
        if (Path.IsPathRooted(token))
            return RepositoryPaths.Portable(root, token);
        var equals = token.IndexOf('=');
        return equals > 0 && Path.IsPathRooted(token[(equals + 1)..])
            ? token[..(equals + 1)] + RepositoryPaths.Portable(root, token[(equals + 1)..])
            : token;
    }
}
