// Finds paths of a machine in text: a Unix "/dir/" or a Windows "C:\" at the start of a token (after
// a line start, space, quote, '=', '(', '[', ',' or a backtick), so "models/x", "(outside-repo)/x" and
// "http://host/x" pass.
using System.Text.RegularExpressions;

namespace MnistBn.Training.Tests.Report;

internal static partial class AbsolutePaths
{
    [GeneratedRegex(@"(?<=^|[\s""'=(\[,`])(/[A-Za-z0-9_.-]+/|[A-Za-z]:[\\/])")]
    private static partial Regex Pattern();

    /// <summary>Each absolute path found, with its 1-based line number and the line (cut to 160 characters).</summary>
    public static IEnumerable<(int Line, string Text)> In(string text) =>
        text.Split('\n')
            .Select((line, index) => (Line: index + 1, Text: line.TrimEnd('\r')))
            .Where(l => Pattern().IsMatch(l.Text))
            .Select(l => (l.Line, l.Text.Length > 160 ? l.Text[..160] + "…" : l.Text));
}
