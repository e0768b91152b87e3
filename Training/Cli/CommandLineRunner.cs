// Runs the tool's command line. Parse errors (an unknown command or option, a missing argument) come
// out as `error:` lines naming the offending token and the --help to read, like every other error of
// the tool, instead of System.CommandLine's bare messages followed by the whole help text.
// Ctrl-C and SIGTERM are handled by Interruption alone (System.CommandLine's own handling is switched
// off, see there): a command stops at its next safe point, the runner prints how to carry on and
// returns 130 or 143 only after the command has unwound, so no native work runs while the process exits.
using System.CommandLine;

namespace MnistBn.Training.Cli;

internal static class CommandLineRunner
{

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = CommandCatalog.Root().Parse(args);
        if (parse.Errors.Count > 0)
            return ReportErrors(parse);
        // Only the asynchronous commands take the token; the others are short, and a signal ends them the
        // default way (the OS ends the process; their files are written atomically).
        if (parse.Action is not System.CommandLine.Invocation.AsynchronousCommandLineAction)
            return parse.Invoke(Invocation());
        using var interruption = Interruption.Listen();
        var exitCode = await parse.InvokeAsync(Invocation(), interruption.Token);
        if (interruption.SignalName is not { } signal || exitCode == 0)
            return exitCode; // a command that finished before its next safe point did all its work
        Console.Error.WriteLine(ResumeHint.For(parse, signal));
        return interruption.ExitCode;
    }

    /// <summary>Runs the command line in this process, without signal handling (the tests' entry).</summary>
    public static int Run(string[] args)
    {
        var parse = CommandCatalog.Root().Parse(args);
        return parse.Errors.Count > 0 ? ReportErrors(parse) : parse.Invoke(Invocation());
    }

    // No System.CommandLine signal handler: it would return from Main while the command still runs.
    // A new one per call: it takes Console.Out and Console.Error as they are then (the tests swap them).
    private static InvocationConfiguration Invocation() => new() { ProcessTerminationTimeout = null };

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
