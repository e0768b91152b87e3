// The one line an interrupted command prints: what it kept and the exact command that carries on from
// there. Training resumes from the checkpoint of the last completed epoch (`train --resume`; `run`
// resumes by itself, but not with --force, which would start over); the other commands keep what they
// finished and do the rest when run again.
using System.CommandLine;

namespace MnistBn.Training.Cli;

internal static class ResumeHint
{
    /// <summary>The line for <paramref name="parse"/>'s command, interrupted by <paramref name="signal"/>.</summary>
    public static string For(ParseResult parse, string signal)
    {
        var tokens = parse.Tokens.Select(t => t.Value).ToList();
        var (kept, verb, command) = parse.CommandResult.Command.Name switch
        {
            "train" => ("each variant keeps the checkpoint of its last completed epoch", "Resume with",
                tokens.Contains("--resume") ? tokens : [.. tokens, "--resume"]),
            "run" => ("finished stages and the checkpoint of the last completed epoch are kept",
                tokens.Contains("--force") ? "Resume with (no --force: it would start over)" : "Resume with",
                tokens.Where(t => t != "--force").ToList()),
            "experiment" => ("the pages of experiments that finished are kept", "Run the rest again with", tokens),
            "evaluate" => ("the reports of models already evaluated are kept", "Evaluate again with", tokens),
            "fetch" => ("files already verified are kept", "Fetch again with", tokens),
            _ => ("nothing was left half-written", "Run it again with", tokens),
        };
        return $"interrupted by {signal}: stopped at a safe point; {kept}. {verb}: {string.Join(' ', ["mnistbn", .. command.Select(Quote)])}";
    }

    // Quoted so that the line can be pasted into a POSIX shell as it is.
    private static string Quote(string token) =>
        token.Length > 0 && token.All(c => char.IsAsciiLetterOrDigit(c) || "-_.,/=:@%+".Contains(c))
            ? token
            : $"'{token.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
