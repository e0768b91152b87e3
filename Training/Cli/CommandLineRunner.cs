// Runs the tool's command line. Parse errors (an unknown command or option, a missing argument) come
// out as `error:` lines naming the offending token and the --help to read, like every other error of
// the tool, instead of System.CommandLine's bare messages followed by the whole help text.
using System.CommandLine;

namespace MnistBn.Training.Cli;

internal static class CommandLineRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var parse = CommandCatalog.Root().Parse(args);
        return parse.Errors.Count > 0 ? ReportErrors(parse) : await parse.InvokeAsync();
    }

    public static int Run(string[] args)
    {
        var parse = CommandCatalog.Root().Parse(args);
        return parse.Errors.Count > 0 ? ReportErrors(parse) : parse.Invoke();
    }

    private static int ReportErrors(ParseResult parse)
    {
        // One line, so that the message that names the first bad token is the one a reader (or a script
        // reading the last error line) sees; the usage line says what the command expects instead.
        Console.Error.WriteLine($"error: {string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')))}");
        var command = parse.CommandResult.Command;
        var name = command is RootCommand ? "mnistbn" : $"mnistbn {command.Name}";
        var arguments = string.Concat(command.Arguments.Select(a => $" <{a.Name}>{(a.Arity.MaximumNumberOfValues > 1 ? "..." : "")}"));
        var subcommand = command.Subcommands.Count > 0 ? " <command>" : "";
        Console.Error.WriteLine($"  usage: {name}{subcommand}{arguments} [options]; see '{name} --help'");
        return 1;
    }
}
