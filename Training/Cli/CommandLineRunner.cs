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
        foreach (var error in parse.Errors)
            Console.Error.WriteLine($"error: {error.Message}");
        var command = parse.CommandResult.Command;
        var name = command is RootCommand ? "mnistbn" : $"mnistbn {command.Name}";
        Console.Error.WriteLine($"  see '{name} --help' for what it accepts");
        return 1;
    }
}
